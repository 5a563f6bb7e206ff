/** What `SessionLogging` names, as data: no cdktf, so that names are read without loading it. */

/** The document Session Manager reads its preferences from, in every account and region. */
export const SESSION_PREFERENCES_DOCUMENT = 'SSM-SessionManagerRunShell';

/** Where transcripts go in the bucket unless `keyPrefix` says otherwise. */
export const DEFAULT_SESSION_KEY_PREFIX = 'sessions';
