/** The choices a group's access is made of, as data: no cdktf, so that the config's checks read them without loading it. */

/** The shell, the default: what every group may use. */
export const SHELL_DOCUMENT = 'SSM-SessionManagerRunShell';

/** Documents a group may opt into: port forwarding, to the instance or through it, and SSH over Session Manager. */
export const OPT_IN_DOCUMENTS = [
  'AWS-StartPortForwardingSession',
  'AWS-StartPortForwardingSessionToRemoteHost',
  'AWS-StartSSHSession',
] as const;

/** AWS's port-forwarding documents: the port (and host) are the caller's parameters, 22 included. */
export const ANY_PORT_DOCUMENTS: readonly string[] = OPT_IN_DOCUMENTS.filter((d) => d.startsWith('AWS-StartPortForwarding'));

export const SESSION_DOCUMENTS: readonly string[] = [SHELL_DOCUMENT, ...OPT_IN_DOCUMENTS];

/** The principal tag Session Manager reads the OS user of a run-as session from. */
export const RUN_AS_TAG = 'SSMSessionRunAs';

/**
 * Who checks a second factor before a session starts.
 * - `iam`: IAM does. Sessions start only with credentials issued with an MFA code: an IAM user's
 *   `GetSessionToken`, or `AssumeRole` with `SerialNumber` and `TokenCode`. IAM users' long-term access
 *   keys carry no `aws:MultiFactorAuthPresent` at all and are refused.
 * - `identity-provider`: IAM Identity Center or a SAML/OIDC provider does, at sign-in. AWS cannot see
 *   whether it did (its sessions never carry `aws:MultiFactorAuthPresent` true), so the policy carries
 *   no MFA condition and the provider's own MFA setting is the control.
 * - `none`: nobody does (automation).
 */
export const MFA_ENFORCEMENTS = ['iam', 'identity-provider', 'none'] as const;
export type MfaEnforcement = (typeof MFA_ENFORCEMENTS)[number];

/** The Command document a break-glass group runs commands with. */
export const RUN_COMMAND_DOCUMENT = 'AWS-RunShellScript';

/**
 * What a session of a created role must be named after, so that `aws:userid` (role-id:session-name),
 * which the own-session rule keys on, names the person and not whatever the caller chose:
 * - `user-name`: callers are IAM users, and name the session after themselves (`sts:RoleSessionName`
 *   equals `aws:username`; STS API Reference, "AssumeRole": RoleSessionName).
 * - `source-identity`: callers are role sessions that carry a source identity (set by their identity
 *   provider, kept through role chaining), and pass it on and name the session after it
 *   (`sts:SourceIdentity` and `sts:RoleSessionName` equal `aws:SourceIdentity`; IAM User Guide,
 *   "Monitor and control actions taken with assumed roles").
 */
export const SESSION_NAMINGS = ['user-name', 'source-identity'] as const;
export type SessionNaming = (typeof SESSION_NAMINGS)[number];

/** A principal trusted until a time. */
export interface TemporaryGrant {
  /** An IAM user's or role's ARN. */
  readonly principalArn: string;
  /** When the grant ends, ISO 8601 in UTC (`2026-12-03T18:00:00Z`). */
  readonly until: string;
  /** Why, for the review and the access report. */
  readonly reason: string;
}
