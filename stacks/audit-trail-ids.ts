/**
 * Construct ids of the audit trail: the stacks name their constructs with them, so the resources'
 * addresses start with them, and the drift report and the retention check know the audit trail by
 * them. Kept apart from the stacks so that those scripts do not load cdktf to read them.
 */

/** The session logging of an environment stack. */
export const SESSION_LOGGING_ID = 'session-logging';
export const GUARDRAIL_ID = 'guardrail';
export const SESSION_ALERTS_ID = 'session-alerts';
/** Where a session may forward ports decides access as much as a policy does. */
export const PORT_FORWARDING_ID = 'port-forwarding';
/** The recording path: what the agent records with is part of the audit trail too. */
export const RECORDING_PATH_IDS = ['instance-role', 'instance-profile', 'default-host-management'] as const;
/** The archive in the log-archive stack. */
export const LOG_ARCHIVE_ID = 'log-archive';
