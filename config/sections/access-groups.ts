/** An environment's `accessGroups`: who may open sessions on which instances, and how. */
import * as f from '../fields';
import * as rules from '../aws-rules';
import { ANY_PORT_DOCUMENTS, MFA_ENFORCEMENTS, type MfaEnforcement, SESSION_DOCUMENTS, SESSION_NAMINGS, type SessionNaming } from '../../modules/access-policies/choices';
import { destinationProblem } from '../../modules/access-policies/destinations';
import type { TemporaryGrant } from '../../modules/access-policies/choices';
import { ACCESS_TAG_KEYS } from '../../modules/ssm-instance/access-tags';
import { accessPolicyName, approverPermissionSetName } from '../../stacks/naming';
import { reachableInstances } from '../access';
import { awsString, type ConfigProblem, keyedBy, list, problem, type Report, strict } from './common';
import type { EnvironmentConfig, EnvironmentFile } from './environment';
import type { IdentityCenterFile } from './identity-center';
import { justInTimeSchema } from './just-in-time';

const mfaChoices = MFA_ENFORCEMENTS.map((m) => `"${m}"`).join(', ');

export const accessGroupSchema = strict({
  instances: strict({
    team: list(awsString(rules.tagValue, 'Team tag value'), 'Team tag values the instances carry').optional(),
    accessGroup: list(awsString(rules.tagValue, 'AccessGroup tag value'), 'AccessGroup tag values the instances carry').optional(),
    tags: keyedBy(rules.conditionTagKey, 'tag key', list(awsString(rules.tagValue, 'tag value'), 'accepted values', { nonEmpty: true }), 'other tags: key to accepted values').optional(),
  }, "the tag values the group's instances carry; the environment's own Environment tag is always required too"),
  documents: list(
    f.oneOf(SESSION_DOCUMENTS as [string, ...string[]], `is not a session document this project knows (known: ${SESSION_DOCUMENTS.join(', ')})`),
    'session documents; default ["SSM-SessionManagerRunShell"]',
  ).optional(),
  unrecordedSsh: f.string().nonEmpty().optional().meta({
    description: 'required with AWS-StartSSHSession: why this group may open SSH sessions, whose content Session Manager does not record',
  }),
  portForwarding: list(strict({
    port: f.number().meta({ description: 'the port forwarded to (1 to 65535, not 22)', minimum: 1, maximum: 65535 }),
    host: f.string().optional().meta({ description: 'a host name or IPv4 address the instance reaches; default the instance itself' }),
  }, 'one destination'), 'where the group may forward ports: a Session document each, its port and host fixed').default([]),
  unrecordedPortForwarding: f.string().nonEmpty().optional().meta({
    description: "required with AWS's port-forwarding documents: why this group may forward to any port and host, unrecorded",
  }),
  requireMfa: f.never(`is replaced by "mfa": one of ${mfaChoices}`).optional().meta({ description: 'replaced by mfa', deprecated: true }),
  runCommand: f.string().nonEmpty().optional().meta({
    description: 'a break-glass group: why it may also run commands on its instances (Run Command with AWS-RunShellScript), which every other principal but the pipeline is refused; needs createRole, and every call alerts',
  }),
  mfa: f.oneOf(MFA_ENFORCEMENTS, `must be one of ${mfaChoices}`)
    .optional()
    .meta({ description: 'who enforces MFA: "iam" (aws:MultiFactorAuthPresent), "identity-provider" (IAM Identity Center, SAML, OIDC) or "none"; default "identity-provider" with a permissionSet, else "iam"' }),
  mfaMaxAgeSeconds: f.number().optional().meta({ description: 'with "mfa": "iam": the most seconds since the MFA code (aws:MultiFactorAuthAge)', minimum: 1 }),
  runAsUser: awsString(rules.linuxUserName, "OS user of the created role's sessions (its SSMSessionRunAs tag)").optional(),
  admin: f.boolean().default(false).meta({ description: "may also end anyone's session" }),
  justInTime: justInTimeSchema.optional(),
  alertOnSessions: f.boolean().optional().meta({
    description: "every session the group's roles start alerts (CloudTrail names roles, not IAM groups, so the group needs roleNames or createRole); default true for admin groups",
  }),
  roleNames: list(awsString(rules.iamRoleName, 'IAM role name'), 'existing IAM roles that receive the policy').default([]),
  groupNames: list(awsString(rules.iamGroupName, 'IAM group name'), 'existing IAM groups that receive the policy').default([]),
  createRole: strict({
    name: awsString(rules.iamRoleName, 'role name; default ssm-session-kit-<env>-<group>').optional(),
    trustedArns: list(awsString(rules.principalArn, 'principal ARN'), 'IAM principals (or accounts\' root) that may assume the role').default([]),
    trustedServices: list(awsString(rules.servicePrincipal, 'service principal'), 'services that may assume the role').default([]),
    requireMfaToAssume: f.boolean().optional().meta({ description: 'trusted principals must give an MFA code to assume the role; default on with "mfa": "iam"' }),
    temporaryGrants: list(strict({
      principalArn: awsString(rules.iamPrincipalArn, 'the IAM user or role granted the role for a while'),
      until: awsString(rules.utcTime, 'when the grant ends by itself (aws:CurrentTime in the role\'s trust), in UTC'),
      reason: f.string().check((ctx) => {
        if (ctx.value.trim().length < 3) ctx.issues.push({ message: 'must say why (at least a few words)' });
      }).meta({ description: 'why, for the review and the access report' }),
    }, 'a principal trusted until a time'), 'principals that may assume the role until a time; `npm run grant` writes one, `npm run grant -- --prune` removes the ended').default([]),
    sessionName: f.oneOf(SESSION_NAMINGS, `must be one of ${SESSION_NAMINGS.map((n) => `"${n}"`).join(', ')}`).default('user-name').meta({
      description: 'what sessions of the role are named after, so that nobody resumes or ends another\'s: "user-name" (callers are IAM users: the session is named after aws:username) or "source-identity" (callers are roles carrying a source identity, which they pass on and name the session after)',
    }),
  }, 'a new role for the group').optional(),
  permissionSet: strict({
    name: awsString(rules.permissionSetName, 'permission set name; default <env>-<group>').optional(),
    sessionDuration: awsString(rules.permissionSetSessionDuration, 'how long a session from the access portal lasts: PT1H to PT12H; default PT1H').optional(),
    groups: list(awsString(rules.identityCenterGroup, 'Identity Center group display name or id'), 'Identity Center groups assigned the permission set in the environment\'s account', { nonEmpty: true }),
    runAs: f.oneOf(['engineer', 'shared'], 'must be "engineer" or "shared"').optional().meta({
      description: 'sessions run as the engineer (their Identity Center attribute identityCenter.runAsAttribute, as SSMSessionRunAs) or as the shared default user; default "engineer" when identityCenter.runAsAttribute is set',
    }),
    osUsers: list(awsString(rules.linuxUserName, 'Linux user name'), "with runAs \"engineer\": the engineers' OS users, as the attribute names them, created on the group's instances").default([]),
  }, "an IAM Identity Center permission set for the group, with the group's policy inline, assigned to Identity Center groups in the environment's account").optional(),
}, 'who may open sessions: one managed policy per group').check((ctx) => {
  const { mfaMaxAgeSeconds, roleNames, groupNames, createRole, documents = [], unrecordedSsh, permissionSet } = ctx.value;
  const mfa = ctx.value.mfa ?? (permissionSet ? 'identity-provider' : 'iam');
  if (permissionSet && ctx.value.mfa === 'iam') {
    problem(ctx, ['mfa'], `${IDENTITY_CENTER_MFA}; the permission set's users give MFA at the access portal: set "mfa": "identity-provider"`);
  }
  // ("Logging session activity") Session Manager does not log the content of SSH and port-forwarding sessions.
  if (documents.includes('AWS-StartSSHSession') && !unrecordedSsh?.trim()) {
    problem(ctx, ['unrecordedSsh'], 'is required with AWS-StartSSHSession: SSH sessions are not recorded, so say why this group needs one');
  }
  if (unrecordedSsh !== undefined && !documents.includes('AWS-StartSSHSession')) {
    problem(ctx, ['unrecordedSsh'], 'acknowledges SSH, which the group does not use (documents has no AWS-StartSSHSession)');
  }
  const anyPort = documents.filter((d) => ANY_PORT_DOCUMENTS.includes(d));
  if (anyPort.length > 0 && !ctx.value.unrecordedPortForwarding?.trim()) {
    problem(ctx, ['unrecordedPortForwarding'], `is required with ${anyPort.join(' and ')}: they forward to any port (22 included) and host, unrecorded; declare portForwarding destinations instead, or say why`);
  }
  if (ctx.value.unrecordedPortForwarding !== undefined && anyPort.length === 0) {
    problem(ctx, ['unrecordedPortForwarding'], "acknowledges AWS's port-forwarding documents, which the group does not use");
  }
  ctx.value.portForwarding.forEach((destination, i) => {
    const found = destinationProblem(destination);
    if (found) problem(ctx, ['portForwarding', i, found.field], found.message);
  });
  if (mfaMaxAgeSeconds !== undefined && (mfa !== 'iam' || !Number.isInteger(mfaMaxAgeSeconds) || mfaMaxAgeSeconds < 1)) {
    problem(ctx, ['mfaMaxAgeSeconds'], 'must be a whole number of seconds, with "mfa": "iam" (the only MFA whose age IAM knows)');
  }
  if (createRole && createRole.trustedArns.length === 0 && createRole.trustedServices.length === 0 && createRole.temporaryGrants.length === 0) {
    problem(ctx, ['createRole'], 'must trust at least one principal (trustedArns, trustedServices or temporaryGrants)');
  }
  const granted = new Set<string>();
  createRole?.temporaryGrants.forEach((grant, i) => {
    // Standing trust would outlive the grant; two grants of one principal, one would hide the other.
    const account = grant.principalArn.split(':')[4];
    if (createRole.trustedArns.includes(grant.principalArn) || createRole.trustedArns.some((arn) => arn.endsWith(`:${account}:root`))) {
      problem(ctx, ['createRole', 'temporaryGrants', i, 'principalArn'], `is already trusted by trustedArns (${createRole.trustedArns.includes(grant.principalArn) ? 'by name' : `account ${account}'s root trusts each of its principals`}), which never ends: a grant is for principals without standing access`);
    }
    if (granted.has(grant.principalArn)) problem(ctx, ['createRole', 'temporaryGrants', i, 'principalArn'], 'is granted twice: keep the one that ends last');
    if (createRole.sessionName === 'user-name' && /:role\//.test(grant.principalArn)) {
      problem(ctx, ['createRole', 'temporaryGrants', i, 'principalArn'], 'is a role, which has no aws:username to name its sessions after; set createRole.sessionName to "source-identity"');
    }
    granted.add(grant.principalArn);
  });
  createRole?.trustedArns.forEach((arn, i) => {
    if (createRole.sessionName === 'user-name' && /:role\//.test(arn)) {
      problem(ctx, ['createRole', 'trustedArns', i], 'is a role, which has no aws:username to name its sessions after; set createRole.sessionName to "source-identity"');
    }
  });
  if (ctx.value.runCommand !== undefined && !ctx.value.runCommand.trim()) {
    problem(ctx, ['runCommand'], 'must say why this group may run commands outside a session');
  }
  // An account's root trusts whatever principal that account's administrators make, who would then run
  // commands past every guardrail: a break-glass role trusts named principals only.
  if (ctx.value.runCommand !== undefined) {
    createRole?.trustedArns.forEach((arn, i) => {
      if (/:root$/.test(arn)) problem(ctx, ['createRole', 'trustedArns', i], "is an account's root: whoever administers that account could make a principal that becomes this break-glass role; name the users or roles");
    });
  }
  if (ctx.value.runCommand !== undefined && !createRole) {
    problem(ctx, ['runCommand'], 'needs createRole: the guardrails except the break-glass role by its exact ARN, which only a role of the project\'s has');
  }
  if (roleNames.length === 0 && groupNames.length === 0 && !createRole && !permissionSet) {
    problem(ctx, [], 'gives its policy to nobody: name roleNames, groupNames, createRole or permissionSet');
  }
  if (mfa !== 'iam') return;
  roleNames.forEach((role, i) => {
    if (isIdentityCenterRole(role)) problem(ctx, ['roleNames', i], `${IDENTITY_CENTER_MFA}; set "mfa": "identity-provider"`);
  });
  createRole?.trustedArns.forEach((arn, i) => {
    const reason = isIdentityCenterRole(arn) ? IDENTITY_CENTER_MFA : /:role\//.test(arn) ? ROLE_CHAINING_MFA : undefined;
    if (reason) problem(ctx, ['createRole', 'trustedArns', i], `${reason}; trust the users' account or users, or set "mfa"`);
  });
});

/**
 * An IAM Identity Center permission set's role (`AWSReservedSSO_<set>_<id>`, under
 * `/aws-reserved/sso.amazonaws.com/`), by name or ARN.
 */
export function isIdentityCenterRole(nameOrArn: string): boolean {
  return /(^|:role\/(aws-reserved\/sso\.amazonaws\.com\/([\w-]+\/)?)?)AWSReservedSSO_/.test(nameOrArn);
}

// Why "mfa": "iam" cannot hold for these callers ("Configuring MFA-protected API access"; STS
// "AssumeRole": SerialNumber is the MFA device of the user making the call).
const IDENTITY_CENTER_MFA =
  'is an IAM Identity Center role: its sessions come from AssumeRoleWithSAML, where AWS cannot tell whether the identity provider required MFA, so "mfa": "iam" would refuse every session';
const ROLE_CHAINING_MFA =
  'is a role: sessions it assumes (role chaining) cannot present an MFA code, which only an IAM user\'s device gives, so "mfa": "iam" would refuse every session';

export type AccessGroupFile = f.Output<typeof accessGroupSchema>;

export interface AccessGroupConfig extends Readonly<Omit<AccessGroupFile, 'instances' | 'documents' | 'requireMfa' | 'createRole' | 'alertOnSessions' | 'mfa' | 'permissionSet'>> {
  readonly name: string;
  /** Who enforces MFA: by default the identity provider for a permission set's users, else IAM. */
  readonly mfa: MfaEnforcement;
  /** The group's Identity Center permission set, its name and run-as settled. */
  readonly permissionSet?: PermissionSetConfig;
  /** Every session of the group's roles alerts (by default, the admin groups'). */
  readonly alertOnSessions: boolean;
  /**
   * Tag values the group's instances carry, the environment's own `Environment` tag included. Keys are
   * ANDed, values within a key ORed.
   */
  readonly instanceTags: Readonly<Record<string, readonly string[]>>;
  readonly documents: readonly string[];
  readonly createRole?: {
    readonly name: string;
    readonly trustedArns: readonly string[];
    readonly trustedServices: readonly string[];
    /** Trusted IAM principals must give an MFA code to assume the role (default with `mfa: 'iam'`). */
    readonly requireMfaToAssume: boolean;
    /** What the trusted principals' sessions of the role are named after. */
    readonly sessionName: SessionNaming;
    /** Principals trusted until a time, each for a reason. */
    readonly temporaryGrants: readonly TemporaryGrant[];
  };
}

export interface PermissionSetConfig {
  readonly name: string;
  readonly sessionDuration?: string;
  readonly groups: readonly string[];
  /** Sessions run as the engineer (the Identity Center attribute as SSMSessionRunAs) or as the shared default user. */
  readonly runAs: 'engineer' | 'shared';
  readonly osUsers: readonly string[];
}

/** The environment's groups, their defaults settled: the tags they match, MFA, the role they create, the permission set. */
export function accessGroupsOf(name: string, env: EnvironmentFile, identityCenter: IdentityCenterFile | undefined, report: Report): AccessGroupConfig[] {
  const accessGroups = Object.entries(env.accessGroups).map(([group, g]): AccessGroupConfig => {
    const instanceTags: Record<string, readonly string[]> = { [ACCESS_TAG_KEYS.environment]: [name] };
    if (g.instances.team?.length) instanceTags[ACCESS_TAG_KEYS.team] = g.instances.team;
    if (g.instances.accessGroup?.length) instanceTags[ACCESS_TAG_KEYS.accessGroup] = g.instances.accessGroup;
    Object.assign(instanceTags, g.instances.tags);
    const { instances: _match, requireMfa: _replaced, createRole, documents, alertOnSessions, permissionSet, ...rest } = g;
    const mfa = g.mfa ?? (permissionSet ? 'identity-provider' : 'iam');
    return {
      ...rest,
      mfa,
      permissionSet: permissionSet && checkPermissionSet(name, group, permissionSet, env, identityCenter, report),
      name: group,
      alertOnSessions: alertOnSessions ?? g.admin,
      instanceTags,
      documents: documents?.length ? documents : ['SSM-SessionManagerRunShell'],
      createRole: createRole && {
        name: createRole.name ?? accessPolicyName(name, group),
        trustedArns: createRole.trustedArns,
        trustedServices: createRole.trustedServices,
        requireMfaToAssume: createRole.requireMfaToAssume ?? mfa === 'iam',
        sessionName: createRole.sessionName,
        temporaryGrants: createRole.temporaryGrants,
      },
    };
  });
  // Identity Center passes SSMSessionRunAs to every permission set's sessions, hand-kept ones too.
  if (identityCenter?.runAsAttribute && env.sessionLogging.runAsDefaultUser !== undefined) {
    for (const group of accessGroups) {
      const role = group.roleNames.find(isIdentityCenterRole);
      if (role && !group.permissionSet) {
        report(`accessGroups.${group.name}.roleNames`, `has the Identity Center role ${role}, whose sessions run as each engineer (identityCenter.runAsAttribute) with run-as on: give the group a permissionSet listing the engineers' osUsers`);
      }
    }
  }
  return accessGroups;
}

/**
 * Every instance's Team and AccessGroup tag is one some group matches on: a value no group names (a typo
 * of a group's) would leave the instance out of the access it was meant for, without a word.
 */
export function checkInstanceTags(env: EnvironmentConfig, report: Report): void {
  for (const [field, key] of [['team', ACCESS_TAG_KEYS.team], ['accessGroup', ACCESS_TAG_KEYS.accessGroup]] as const) {
    // An AccessGroup tag may also name a group that matches on something else.
    const named = [...new Set([...env.accessGroups.flatMap((g) => g.instanceTags[key] ?? []), ...(field === 'accessGroup' ? env.accessGroups.map((g) => g.name) : [])])];
    const machines = [...env.instances.map((m) => ({ m, at: `instances.${m.name}` })), ...env.fleets.map((m) => ({ m, at: `fleets.${m.name}` }))];
    for (const { m: instance, at } of machines) {
      const value = instance[field];
      if (value === undefined || named.includes(value)) continue;
      const near = nearest(value, named);
      report(`${at}.${field}`, `"${value}" is named by no access group${field === 'accessGroup' ? ', nor any group\'s instances.accessGroup' : '\'s instances.team'}${near ? ` (did you mean "${near}"?)` : named.length > 0 ? ` (they name ${named.map((n) => `"${n}"`).join(', ')})` : ''}`);
    }
  }
}

/** The candidate within two edits of `value`, if one is ("Levenshtein distance"). */
function nearest(value: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string) => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      row = next;
    }
    return row[b.length];
  };
  return candidates.map((c) => ({ c, d: distance(value.toLowerCase(), c.toLowerCase()) })).filter((x) => x.d <= 2).sort((x, y) => x.d - y.d)[0]?.c;
}

/** Every group reaches an instance, and its run-as user exists there, as the default run-as user on every instance. */
export function checkReachAndRunAs(env: EnvironmentConfig, report: Report): void {
  const runAsDefaultUser = env.sessionLogging.runAsDefaultUser;
  const unmanaged = (list: readonly { name: string; manageOsUsers: boolean }[]) => list.filter((i) => !i.manageOsUsers).map((i) => `"${i.name}"`);
  for (const group of env.accessGroups) {
    const reached = reachableInstances(env, group);
    if (reached.length === 0) report(`accessGroups.${group.name}.instances`, 'reaches no instance of this environment');
    if (group.runAsUser === undefined) continue;
    // Session Manager reads the role's SSMSessionRunAs tag only with run-as on, and runs as a user the node has.
    if (runAsDefaultUser === undefined) {
      report(`accessGroups.${group.name}.runAsUser`, 'takes effect only with run-as on: set sessionLogging.runAsDefaultUser');
    } else if (unmanaged(reached).length > 0) {
      report(`accessGroups.${group.name}.runAsUser`, `"${group.runAsUser}" is not created on instance ${unmanaged(reached).join(', ')} (manageOsUsers is false), where its sessions would fail`);
    }
  }
  const machines = [...env.instances, ...env.fleets];
  if (runAsDefaultUser !== undefined && unmanaged(machines).length > 0) {
    report('sessionLogging.runAsDefaultUser', `"${runAsDefaultUser}" is not created on instance ${unmanaged(machines).join(', ')} (manageOsUsers is false), where every session would fail`);
  }
}

/** A group's permission set, its defaults settled, where Identity Center and run-as can serve it. */
function checkPermissionSet(
  env: string, group: string, set: NonNullable<AccessGroupFile['permissionSet']>, file: EnvironmentFile,
  identityCenter: IdentityCenterFile | undefined, report: Report,
): PermissionSetConfig {
  const field = `accessGroups.${group}.permissionSet`;
  if (!identityCenter) report(field, 'needs identityCenter (the account that manages IAM Identity Center) at the top of the config');
  const name = set.name ?? `${env}-${group}`;
  if (set.name === undefined && rules.permissionSetName(name)) report(`${field}.name`, `is required: the default "${name}" is longer than Identity Center's 32 characters`);
  const runAs = set.runAs ?? (identityCenter?.runAsAttribute ? 'engineer' : 'shared');
  if (runAs === 'engineer' && identityCenter && !identityCenter.runAsAttribute) {
    report(`${field}.runAs`, 'is "engineer", but identityCenter.runAsAttribute names no attribute to run as: set it (for example "${path:userName}")');
  }
  if (runAs === 'engineer' && file.sessionLogging.runAsDefaultUser === undefined) {
    report(`${field}.runAs`, 'is "engineer", which takes effect only with run-as on: set sessionLogging.runAsDefaultUser');
  }
  if (runAs === 'engineer' && set.osUsers.length === 0) {
    report(`${field}.osUsers`, "must list the engineers' OS users (as the attribute names them): a session as a user the instance lacks fails");
  }
  if (runAs === 'shared' && set.osUsers.length > 0) report(`${field}.osUsers`, 'lists OS users, but sessions run as the shared user ("runAs": "shared")');
  if (runAs === 'shared' && identityCenter?.runAsAttribute && file.sessionLogging.runAsDefaultUser !== undefined) {
    report(`${field}.runAs`, 'is "shared", but Identity Center passes SSMSessionRunAs (identityCenter.runAsAttribute) to every permission set, and run-as is on here: sessions would run as each engineer');
  }
  return { name, sessionDuration: set.sessionDuration, groups: set.groups, runAs, osUsers: set.osUsers };
}

/** A permission set's name is the Identity Center instance's, across every environment. */
export function checkPermissionSetNames(problems: ConfigProblem[], environments: readonly EnvironmentConfig[]): void {
  const seen = new Map<string, string>();
  for (const env of environments) {
    for (const group of env.accessGroups) {
      if (!group.permissionSet) continue;
      const owner = `environment "${env.name}" group "${group.name}"`;
      const other = seen.get(group.permissionSet.name);
      if (other) {
        problems.push({ scope: `environment "${env.name}"`, field: `accessGroups.${group.name}.permissionSet.name`, message: `"${group.permissionSet.name}" is also ${other}'s permission set: names are the Identity Center instance's` });
      }
      seen.set(group.permissionSet.name, owner);
    }
    // The approvers' permission set, where Identity Center groups approve its just-in-time requests.
    const approvers = env.accessGroups.find((g) => g.justInTime?.manualApproval?.levels.some((l) => l.some((a) => a.identityCenterGroupId)));
    if (approvers) {
      const name = approverPermissionSetName(env.name);
      const field = `accessGroups.${approvers.name}.justInTime.manualApproval`;
      const problem = rules.permissionSetName(name);
      if (problem) problems.push({ scope: `environment "${env.name}"`, field, message: `makes the approvers' permission set "${name}", which ${problem}: shorten the environment's name or name IAM roles` });
      const other = seen.get(name);
      if (other) problems.push({ scope: `environment "${env.name}"`, field, message: `makes the approvers' permission set "${name}", which is also ${other}'s permission set: names are the Identity Center instance's` });
      seen.set(name, `environment "${env.name}"'s approvers`);
    }
  }
}
