/** What `DefaultHostManagement` names, as data: no cdktf, so that names are read without loading it. */

/** Where AWS's own setup puts the Default Host Management role. */
export const DEFAULT_HOST_MANAGEMENT_PATH = '/service-role/';
