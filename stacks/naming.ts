/**
 * Every name the project gives: its stacks, the prefix of an environment's resources, the names of
 * the resources the stacks name themselves, the state roles, and the construct ids that make the audit
 * trail's Terraform addresses. Nothing here loads cdktf, so that the config's checks and the scripts
 * read names without it. A module's own names from a prefix stay with the module (its `names.ts`);
 * this file gives them the prefix.
 */
import { createHash } from 'crypto';
import { destinationLabel, type PortForwardingDestination } from '../modules/access-policies/destinations';
import { guardrailPolicyNames } from '../modules/guardrails/names';
import { sessionAlertNames } from '../modules/session-alerts/names';

/** The project's name: what its resources' names start with. */
export const PROJECT = 'ssm-session-kit';

/** What the names of an environment's resources start with, before the environment's name. */
export const ENVIRONMENT_NAME_PREFIX = `${PROJECT}-`;

/** The stacks that are not environments; no environment may take their names. */
export const BOOTSTRAP_STACK = 'bootstrap';
export const ORGANIZATION_STACK = 'organization';
export const LOG_ARCHIVE = 'log-archive';
export const IDENTITY_CENTER = 'identity-center';
export const RESERVED_NAMES: readonly string[] = [BOOTSTRAP_STACK, ORGANIZATION_STACK, LOG_ARCHIVE, IDENTITY_CENTER];

/** `ssm-session-kit-<name>`: the prefix of a stack's resources; `environmentPrefix('*')` matches every environment's. */
export function environmentPrefix(name: string): string {
  return `${ENVIRONMENT_NAME_PREFIX}${name}`;
}

/** The alias of the environment's session key. */
export function sessionKeyAlias(environment: string): string {
  return `${environmentPrefix(environment)}-sessions`;
}

/** The environment's session log group: its name alone makes it the environment's. */
export function sessionLogGroupName(environment: string): string {
  return `/${PROJECT}/${environment}/sessions`;
}

/** Every environment's session log group, as an ARN pattern of any account. */
export const SESSION_LOG_GROUPS_PATTERN = `arn:*:logs:*:*:log-group:/${PROJECT}/*`;

/** An access group's policy, and its role unless the config names one. */
export function accessPolicyName(environment: string, group: string): string {
  return `${environmentPrefix(environment)}-${group}`;
}

/** The names of what records an environment's sessions: the instance role and profile, the Default Host Management role. */
export function recordingPathNames(prefix: string): { instanceRole: string; instanceProfile: string; defaultHostManagementRole: string } {
  return { instanceRole: `${prefix}-instance`, instanceProfile: `${prefix}-instance`, defaultHostManagementRole: `${prefix}-default-host-management` };
}

/**
 * A fleet's Auto Scaling group and launch template (`ssm-session-kit-prod-workers`), and the pattern of
 * every fleet's group name: the access policies reach the instances of those groups alone, and only the
 * pipeline creates a group of such a name.
 */
export function fleetNames(prefix: string): { of: (fleet: string) => string; groups: string } {
  return { of: (fleet) => `${prefix}-${fleet}`, groups: `${prefix}-*` };
}

/** The role of the environment's session reviewers. */
export function reviewersRoleName(prefix: string): string {
  return `${prefix}-reviewers`;
}

/** What a port-forwarding document's name carries between the environment's prefix and its destination. */
export const FORWARD_INFIX = '-forward-';
const MAX_DOCUMENT_NAME = 128;

/** `ssm-session-kit-prod-forward-db.internal-5432`; a host too long for a document name is hashed. */
export function forwardDocumentName(prefix: string, destination: PortForwardingDestination): string {
  const name = `${prefix}${FORWARD_INFIX}${destinationLabel(destination)}`;
  if (name.length <= MAX_DOCUMENT_NAME) return name;
  const hash = createHash('sha256').update(destination.host ?? '').digest('hex').slice(0, 12);
  return `${prefix}${FORWARD_INFIX}${hash}-${destination.port}`;
}

/** What the CloudFormation stack of a stack's approval policies is named with, after its prefix. */
export const APPROVAL_STACK_SUFFIX = '-approval-policies';

/** Just-in-time access's names: the CloudFormation stack of the approval policies, a manual policy's document, the approvers' policy. */
export function justInTimeNames(prefix: string) {
  return {
    stack: `${prefix}${APPROVAL_STACK_SUFFIX}`,
    manualApproval: (group: string) => `${prefix}-${group}-approval`,
    approverPolicy: `${prefix}-approvers`,
    enablement: `${prefix}-just-in-time`,
  };
}

/** The Identity Center permission set of an environment's just-in-time approvers (at most 32 characters, as the config checks). */
export function approverPermissionSetName(environment: string): string {
  return `${environment}-approvers`;
}

/** Every name of an environment's resources that some other stack, a policy or a script refers to. */
export function environmentNames(environment: string) {
  const prefix = environmentPrefix(environment);
  return {
    prefix,
    sessionKeyAlias: sessionKeyAlias(environment),
    logGroup: sessionLogGroupName(environment),
    guardrail: guardrailPolicyNames(prefix),
    alerts: sessionAlertNames(prefix),
    recordingPath: recordingPathNames(prefix),
    fleets: fleetNames(prefix),
    justInTime: justInTimeNames(prefix),
  };
}

/** The organization's service control policy. */
export const SCP_NAME = `${PROJECT}-audit-trail`;

/** The default key of a stack's state object. */
export function defaultStateKey(stack: string): string {
  return `${PROJECT}/${stack}/terraform.tfstate`;
}

/** The default alias of the state bucket's key. */
export const DEFAULT_STATE_KEY_ALIAS = `${PROJECT}-tfstate`;

/** What the names of the state roles the bootstrap stack creates start with. */
export const STATE_ROLE_NAME_PREFIX = `${PROJECT}-state-`;

/** The state-access role the bootstrap stack creates for a stack. */
export function stateRoleName(stack: string): string {
  return `${STATE_ROLE_NAME_PREFIX}${stack}`;
}

/** What the names of the read-only state roles end with. */
export const STATE_READ_ROLE_SUFFIX = '-read';

/** The read-only state role the bootstrap stack creates for a stack's plan role. */
export function stateReadRoleName(stack: string): string {
  return `${stateRoleName(stack)}${STATE_READ_ROLE_SUFFIX}`;
}

/**
 * Construct ids of the audit trail: the stacks name their constructs with them, so the resources'
 * addresses start with them, and the drift report and the retention check know the audit trail by them.
 */
export const SESSION_LOGGING_ID = 'session-logging';
export const GUARDRAIL_ID = 'guardrail';
/** Who signs sessions off, and what they read, is part of the audit trail. */
export const SESSION_REVIEW_ID = 'session-review';
export const SESSION_ALERTS_ID = 'session-alerts';
/** Where a session may forward ports decides access as much as a policy does. */
export const PORT_FORWARDING_ID = 'port-forwarding';
export const JUST_IN_TIME_ID = 'just-in-time';
export const DENY_ACCESS_ID = 'deny-access';
/** The recording path: what the agent records with is part of the audit trail too. */
export const RECORDING_PATH_IDS = ['instance-role', 'instance-profile', 'default-host-management'] as const;
/** The fleets: what their launch templates and groups launch, with which profile and tags, is the recording path's too. */
export const FLEETS_ID = 'fleets';
/** The VPC endpoints the agent records through, and their security group: the recording path's way out. */
export const RECORDING_NETWORK_ID = 'ssm-endpoints';
/** The archive in the log-archive stack. */
export const LOG_ARCHIVE_ID = 'log-archive';
