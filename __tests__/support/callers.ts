/**
 * Callers as AWS presents them to IAM: the principal ARN and the request-context keys each kind of
 * credential carries. Modelled on AWS's documents, not on this project's code:
 * - "AWS global condition context keys" (IAM User Guide): `aws:MultiFactorAuthPresent` is in the
 *   context only for temporary credentials, true when MFA validated them; absent for long-term access
 *   keys. `aws:MultiFactorAuthAge` is present only when MFA was used. `aws:userid` is the user's
 *   unique id (`AIDA...`) for an IAM user and `role-id:session-name` (`AROA...:name`) for a role session;
 *   `aws:username` exists for IAM users only.
 * - "Configuring MFA-protected API access" (IAM User Guide): MFA is given only to `GetSessionToken` and
 *   `AssumeRole`, with the serial number of the calling user's device ("AssumeRole", STS API
 *   Reference: SerialNumber is "associated with the user who is making the AssumeRole call"), so a
 *   role session assuming another role (role chaining) gives none; for `AssumeRoleWithSAML` and
 *   `AssumeRoleWithWebIdentity` "AWS cannot determine whether that provider required MFA".
 * - "Permission sets" / "IAM Identity Center identities in AWS CloudTrail" (IAM Identity Center User
 *   Guide): a permission set is a role `AWSReservedSSO_<set>_<id>` under
 *   `/aws-reserved/sso.amazonaws.com/`, assumed with the user's name as role session name.
 */
export interface Caller {
  /** Who makes the request, as `aws:PrincipalArn`'s principal: the user, or the assumed-role session. */
  readonly principal: string;
  readonly context: Record<string, string>;
}

// Unique ids as IAM shows them: AIDA (user) or AROA (role) and 17 more characters; one per name here.
const uniqueId = (prefix: 'AIDA' | 'AROA', name: string) =>
  `${prefix}${[...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7).toString(36).toUpperCase().padEnd(17, 'X').slice(0, 17)}`;

/** Signed with an IAM user's access keys: long-term credentials carry no MFA key at all. */
export function iamUserWithAccessKeys(account: string, name: string): Caller {
  return { principal: `arn:aws:iam::${account}:user/${name}`, context: { 'aws:username': name, 'aws:userid': uniqueId('AIDA', name) } };
}

/** An IAM user's `GetSessionToken` credentials, with or without the MFA code. */
export function iamUserSessionToken(account: string, name: string, mfa: boolean): Caller {
  const caller = iamUserWithAccessKeys(account, name);
  return { ...caller, context: { ...caller.context, ...mfaContext(mfa) } };
}

/** A session of a role assumed with `AssumeRole` by an IAM user, with or without the MFA code. */
export function assumedRole(account: string, role: string, session: string, mfa: boolean): Caller {
  return {
    principal: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    context: { 'aws:userid': `${uniqueId('AROA', role)}:${session}`, ...mfaContext(mfa) },
  };
}

/** A role assumed from another role's session: no device, so no MFA, whatever the first session had. */
export function chainedRole(account: string, role: string, session: string): Caller {
  return assumedRole(account, role, session, false);
}

/**
 * An IAM Identity Center user in a permission set's role: temporary credentials from
 * `AssumeRoleWithSAML`, whose MFA (if the identity provider asked for it) AWS cannot see.
 */
export function identityCenterUser(account: string, permissionSet: string, email: string): Caller {
  return samlFederatedUser(account, `AWSReservedSSO_${permissionSet}_0a1b2c3d4e5f6789`, email);
}

/** A user federated through a SAML 2.0 identity provider into a role of the account's own. */
export function samlFederatedUser(account: string, role: string, sessionName: string): Caller {
  return assumedRole(account, role, sessionName, false);
}

function mfaContext(mfa: boolean): Record<string, string> {
  return mfa ? { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '300' } : { 'aws:MultiFactorAuthPresent': 'false' };
}

/**
 * The session `caller` starts, as Session Manager names and tags it ("Additional sample IAM policies for
 * Session Manager", Example 3): its id is the IAM user name or the role session name, a hyphen and
 * 17 hexadecimal digits; its `aws:ssmmessages:session-id` tag is the user's unique id for an IAM user
 * and `role-id:caller-specified-role-name` for an assumed role, which is the caller's `aws:userid`.
 */
export function sessionOf(caller: Caller, account: string, region: string): { arn: string; tags: Record<string, string> } {
  const name = caller.context['aws:username'] ?? caller.context['aws:userid'].split(':')[1];
  return {
    arn: `arn:aws:ssm:${region}:${account}:session/${name}-0a1b2c3d4e5f67890`,
    tags: { 'ssm:resourceTag/aws:ssmmessages:session-id': caller.context['aws:userid'] },
  };
}

/**
 * A role session that carries a source identity ("Monitor and control actions taken with assumed
 * roles", IAM User Guide: set by the identity provider or at the first AssumeRole, then kept through
 * role chaining; `aws:SourceIdentity` is in the context of every request the session makes).
 */
export function roleSessionWithSourceIdentity(account: string, role: string, session: string, sourceIdentity: string): Caller {
  const caller = assumedRole(account, role, session, false);
  return { ...caller, context: { ...caller.context, 'aws:SourceIdentity': sourceIdentity } };
}

/**
 * The same caller's `AssumeRole` request ("AssumeRole", STS API Reference; "AWS STS condition keys",
 * IAM User Guide): the session name it asks for is `sts:RoleSessionName`, the source identity it
 * passes, `sts:SourceIdentity`.
 */
export function askingToAssume(caller: Caller, sessionName: string, sourceIdentity?: string): Caller {
  return {
    ...caller,
    context: { ...caller.context, 'sts:RoleSessionName': sessionName, ...(sourceIdentity ? { 'sts:SourceIdentity': sourceIdentity } : {}) },
  };
}
