/** An access group's `justInTime`: access asked for and approved, never held (Systems Manager just-in-time node access). */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as f from '../fields';
import * as rules from '../aws-rules';
import { type CedarRule, cedarPolicies, JUST_IN_TIME_CEDAR_SCHEMA } from '../../modules/just-in-time/cedar';
import { IDENTITY_PROVIDERS, MANUAL_APPROVAL_LIMITS } from '../../modules/just-in-time/choices';
import { SHELL_DOCUMENT } from '../../modules/access-policies/choices';
import { reachableInstances } from '../access';
import { environmentPrefix, fleetNames } from '../../stacks/naming';
import { accountId, awsString, keyedBy, list, problem, region, type Report, strict } from './common';
import type { EnvironmentConfig } from './environment';
import type { IdentityCenterFile } from './identity-center';

const groupId = awsString(rules.identityCenterGroupId, 'Identity Store group id');

const requesters = strict({
  identityCenterGroupIds: list(groupId, 'Identity Center groups (Identity Store ids) whose members are approved').default([]),
  userAttributes: keyedBy(rules.cedarAttribute, 'attribute', awsString(rules.cedarStringValue, 'value'), 'Identity Center user attributes (employeeNumber, costCenter, organization, division) and the value each must have').default({}),
  principalTags: keyedBy(rules.conditionTagKey, 'tag key', awsString(rules.tagValue, 'tag value'), "the IAM principal's tags and the value each must have, for requesters who are not Identity Center users").default({}),
}, 'who: every field given must hold');

const approver = strict({
  identityCenterGroupId: groupId.optional(),
  iamRoleName: awsString(rules.iamRoleName, "an IAM role in the environment's account; the stack gives it the approver's policy").optional(),
}, 'one approver: an Identity Center group or an IAM role').check((ctx) => {
  if ((ctx.value.identityCenterGroupId === undefined) === (ctx.value.iamRoleName === undefined)) problem(ctx, [], 'must name one of identityCenterGroupId and iamRoleName');
});

export const justInTimeSchema = strict({
  autoApprove: list(requesters, "requesters approved without an approver, on the group's instances, for one hour").default([]),
  manualApproval: strict({
    hours: f.number().meta({ description: 'the longest access an approval gives, in hours', minimum: MANUAL_APPROVAL_LIMITS.minHours, maximum: MANUAL_APPROVAL_LIMITS.maxHours }),
    levels: list(list(approver, 'approvers of one level; one of them approves', { nonEmpty: true }), 'approval levels, in order', { nonEmpty: true }),
  }, "requests for the group's instances that no auto-approval covers wait for approvers").optional(),
}, "the group's members ask for access per need (Systems Manager just-in-time node access) and hold no session permission; needs mfa \"identity-provider\" or \"none\"").check((ctx) => {
  const approval = ctx.value.manualApproval;
  if (!approval) {
    if (ctx.value.autoApprove.length === 0) problem(ctx, [], 'approves nobody: give autoApprove or manualApproval');
    return;
  }
  const { hours, levels } = approval;
  if (!Number.isInteger(hours) || hours < MANUAL_APPROVAL_LIMITS.minHours || hours > MANUAL_APPROVAL_LIMITS.maxHours) {
    problem(ctx, ['manualApproval', 'hours'], `must be a whole number of hours from ${MANUAL_APPROVAL_LIMITS.minHours} to ${MANUAL_APPROVAL_LIMITS.maxHours} (Systems Manager's limits)`);
  }
  if (levels.length > MANUAL_APPROVAL_LIMITS.maxLevels) problem(ctx, ['manualApproval', 'levels'], `has ${levels.length} levels; Systems Manager takes up to ${MANUAL_APPROVAL_LIMITS.maxLevels}`);
  levels.forEach((level, i) => {
    if (level.length > MANUAL_APPROVAL_LIMITS.maxApproversPerLevel) problem(ctx, ['manualApproval', 'levels', i], `has ${level.length} approvers; Systems Manager takes up to ${MANUAL_APPROVAL_LIMITS.maxApproversPerLevel} a level`);
  });
});

export type JustInTimeFile = f.Output<typeof justInTimeSchema>;

/** `organization.justInTime`: the enablement for the organization, and its one deny-access policy. */
export const justInTimeEnablementSchema = strict({
  delegatedAdministratorAccountId: accountId.meta({ description: "Systems Manager's delegated administrator account" }),
  homeRegion: region,
  identityProvider: f.oneOf(IDENTITY_PROVIDERS, `must be one of ${IDENTITY_PROVIDERS.map((p) => `"${p}"`).join(', ')}`).default('SSO').meta({
    description: 'who requesters and approvers are: "SSO" (IAM Identity Center) or "IAM"',
  }),
  targetOrganizationalUnits: list(awsString(rules.organizationalUnit, 'OU id'), 'the OUs whose accounts get just-in-time access', { nonEmpty: true }),
  targetRegions: list(region, 'the Regions where it is enabled: those of the unified Systems Manager console, or fewer', { nonEmpty: true }),
  attachToRoles: list(awsString(rules.iamRoleName, 'IAM role name'), "the management account's administrators' roles, which get a strict deny policy keeping the enablement, the deny-access policy and the SCP to the organization's pipeline (organization.pipelineRoleArn); no SCP reaches the management account", { nonEmpty: true }),
  denyAccess: list(strict({
    reason: f.string().nonEmpty().meta({ description: 'why these requests always wait for an approver, written above the rule' }),
    who: requesters.optional(),
    instances: keyedBy(rules.conditionTagKey, 'tag key', list(awsString(rules.cedarStringValue, 'tag value'), 'accepted values', { nonEmpty: true }), 'node tags: every key, with one of its values'),
  }, 'one deny-access rule: these requesters are never approved automatically on these nodes'), "the organization's deny-access policy: requests it matches wait for an approver, whatever an auto-approval policy says").default([]),
}, "just-in-time node access for the organization: its Quick Setup enablement (after the unified Systems Manager console's) and deny-access policy, in the management account").check((ctx) => {
  const rules = ctx.value.denyAccess.map((rule, i) => ({ ...ruleOf(rule), description: `denyAccess[${i}]` }));
  for (const message of cedarProblems(cedarPolicies('forbid', rules))) problem(ctx, ['denyAccess'], `deny-access policy: ${message}`);
});

export type JustInTimeEnablementConfig = f.Output<typeof justInTimeEnablementSchema>;

/** The organization's deny-access rules, a `forbid` each. */
export function denyAccessRules(enablement: JustInTimeEnablementConfig): CedarRule[] {
  return enablement.denyAccess.map((rule, i) => ({ ...ruleOf(rule), description: `${rule.reason} (organization.justInTime.denyAccess[${i}])` }));
}

function ruleOf(rule: JustInTimeEnablementConfig['denyAccess'][number]): Omit<CedarRule, 'description'> {
  return { identityCenterGroupIds: rule.who?.identityCenterGroupIds, userAttributes: rule.who?.userAttributes, principalTags: rule.who?.principalTags, nodeTags: rule.instances };
}

/** Why a just-in-time group keeps to the shell: the access token allows only `SSM-SessionManagerRunShell` (AWSSystemsManagerJustInTimeAccessTokenPolicy). */
const SHELL_ONLY = 'the access token of an approved request starts shell sessions only (AWSSystemsManagerJustInTimeAccessTokenPolicy)';

/**
 * What spans a just-in-time group and the rest of its environment: no standing session for its
 * principals (whoever keeps ssm:StartSession connects past every approval), MFA the request calls can
 * see, one manual policy per instance, and auto-approval Cedar that AWS's schema validates.
 */
export function checkJustInTime(env: EnvironmentConfig, report: Report, identityCenter: IdentityCenterFile | undefined): void {
  const jit = env.accessGroups.filter((g) => g.justInTime);
  if (jit.length === 0) return;
  // Identity Center groups approve through a permission set of the identity-center stack's.
  for (const group of jit) {
    const byGroup = group.justInTime!.manualApproval?.levels.some((level) => level.some((a) => a.identityCenterGroupId !== undefined));
    if (byGroup && !identityCenter) report(`accessGroups.${group.name}.justInTime.manualApproval`, 'names Identity Center groups as approvers, whose permission set the identity-center stack makes: configure identityCenter, or name IAM roles');
  }
  const standing = env.accessGroups.filter((g) => !g.justInTime);
  for (const group of jit) {
    const at = (field: string) => `accessGroups.${group.name}.${field}`;
    if (group.mfa === 'iam') {
      report(at('mfa'), 'is "iam" (the default without a permissionSet), which a just-in-time group cannot have: StartAccessRequest and GetAccessToken ignore aws:MultiFactorAuthPresent ("Setting up just-in-time node access"); set "identity-provider" (MFA at sign-in) or "none"');
    }
    if (group.documents.some((d) => d !== SHELL_DOCUMENT)) report(at('documents'), `names ${group.documents.filter((d) => d !== SHELL_DOCUMENT).join(', ')}: ${SHELL_ONLY}`);
    if (group.portForwarding.length > 0) report(at('portForwarding'), `is set on a just-in-time group: ${SHELL_ONLY}`);
    if (group.runCommand !== undefined) report(at('runCommand'), 'is set on a just-in-time group: break glass is standing access, which no approval gates');
    if (group.alertOnSessions || group.admin) {
      report(at(group.admin ? 'admin' : 'alertOnSessions'), "is set on a just-in-time group, whose sessions run as Systems Manager's token role, not the group's: alert on its approved requests with alerts.justInTimeAccess");
    }
    const mine = principalsOf(group);
    for (const other of standing) {
      const theirs = principalsOf(other);
      const shared = [...mine].filter((p) => theirs.has(p));
      // A standing role that trusts one of the group's roles is standing access for it too (same account: no permission needed on the caller's side).
      const trusting = [...(other.createRole?.trustedArns ?? []), ...(other.createRole?.temporaryGrants ?? []).map((g) => g.principalArn)]
        .filter((arn) => /:role\//.test(arn) && mine.has(`role ${arn.split('/').pop()!.toLowerCase()}`));
      if (shared.length + trusting.length > 0) {
        const named = [...shared, ...trusting.map((arn) => `${arn} (trusted by group ${other.name}'s created role)`)];
        report(at('justInTime'), `gives approvals to ${named.join(', ')}, to whom group ${other.name} also gives standing ssm:StartSession: they would connect past every approval`);
      }
    }
    // Nobody approves their own request: an approver is none of the group's requesters, nor anyone the config lets become one.
    const autoGroups = group.justInTime!.autoApprove.flatMap((w) => w.identityCenterGroupIds);
    group.justInTime!.manualApproval?.levels.forEach((level, l) => level.forEach((approver, a) => {
      const principal = approver.iamRoleName !== undefined ? `role ${approver.iamRoleName.toLowerCase()}` : `Identity Center group ${approver.identityCenterGroupId!.toLowerCase()}`;
      const own = mine.has(principal) || autoGroups.includes(approver.identityCenterGroupId ?? '');
      if (own) report(at(`justInTime.manualApproval.levels[${l}][${a}]`), `is also a requester of the group (${approver.iamRoleName ?? approver.identityCenterGroupId}): nobody approves their own request`);
    }));
    group.justInTime!.autoApprove.forEach((who, i) => {
      // An attribute alone reaches every Identity Center user of the account who may ask for any access.
      if (who.identityCenterGroupIds.length === 0 && Object.keys(who.principalTags).length === 0) {
        report(at(`justInTime.autoApprove[${i}]`), 'names no identityCenterGroupIds or principalTags: it would approve whoever else in the account may ask, not this group\'s members');
      }
    });
  }
  const manual = jit.filter((g) => g.justInTime!.manualApproval);
  for (const [field, machines] of [['instances', env.instances], ['fleets', env.fleets]] as const) for (const instance of machines) {
    const reaching = manual.filter((g) => reachableInstances(env, g).includes(instance)).map((g) => g.name);
    if (reaching.length > 1) report(`${field}.${instance.name}`, `is reached by the manual approval policies of ${reaching.join(' and ')}: Systems Manager fails every request to a node two manual policies target ("Approval policies")`);
  }
  const problems = cedarProblems(cedarPolicies('permit', autoApprovalRules(env)));
  for (const message of problems) report('accessGroups', `auto-approval policy: ${message}`);
}

/**
 * Who holds a group's policy, as comparable strings: its roles (IAM role names are case-insensitive),
 * IAM groups, created role, and Identity Center groups (by id or name, as written: a group given by
 * name in one place and by id in another compares unequal, so the guide asks for ids).
 */
function principalsOf(group: EnvironmentConfig['accessGroups'][number]): Set<string> {
  return new Set([
    ...group.roleNames.map((r) => `role ${r.toLowerCase()}`),
    ...group.groupNames.map((g) => `IAM group ${g.toLowerCase()}`),
    ...(group.createRole ? [`role ${group.createRole.name.toLowerCase()}`] : []),
    ...(group.permissionSet?.groups ?? []).map((g) => `Identity Center group ${g.toLowerCase()}`),
  ]);
}

/** The environment's auto-approval rules: a `permit` per requester of each group, on the group's instances. */
export function autoApprovalRules(env: EnvironmentConfig): CedarRule[] {
  return env.accessGroups.flatMap((group) => (group.justInTime?.autoApprove ?? []).map((who, i) => ({
    description: `${env.name} ${group.name}: requester ${i + 1} (accessGroups.${group.name}.justInTime.autoApprove[${i}])`,
    identityCenterGroupIds: who.identityCenterGroupIds,
    userAttributes: who.userAttributes,
    principalTags: who.principalTags,
    nodeTags: group.instanceTags,
    autoScalingGroupNames: [fleetNames(environmentPrefix(env.name)).groups],
  })));
}

/**
 * Cedar's own validator on `policies` against AWS's just-in-time schema, strict, warnings as errors: a
 * misspelled attribute makes a policy that can never match, which Cedar only warns about.
 */
export function cedarProblems(policies: string): string[] {
  if (!policies.trim()) return [];
  return remembered(policies, () => {
    // Loaded only when the answer is not known: the engine is 4 MB of WebAssembly.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cedar = require('@cedar-policy/cedar-wasm/nodejs') as typeof import('@cedar-policy/cedar-wasm/nodejs');
    const answer = cedar.validate({ validationSettings: { mode: 'strict' }, schema: JUST_IN_TIME_CEDAR_SCHEMA, policies: { staticPolicies: policies } });
    if (answer.type === 'failure') return answer.errors.map((e) => e.message);
    const described = (e: { policyId: string; error: { message: string } }) => `${statementDescription(policies, e.policyId)}: ${e.error.message}`;
    return [...answer.validationErrors, ...answer.validationWarnings].map(described).concat(answer.otherWarnings.map((w) => w.message));
  });
}

/**
 * The validator's answer kept beside the engine (`node_modules/.cache`), keyed by the engine's version,
 * the schema and the policies, as the transpile hook keeps JavaScript: a config synthesized again loads
 * no WebAssembly. Where that folder cannot be written, the answer is computed every time.
 */
function remembered(policies: string, validate: () => string[]): string[] {
  const engine = require.resolve('@cedar-policy/cedar-wasm/nodejs');
  const folder = `${path.sep}cedar-wasm`;
  const pkg = engine.slice(0, engine.lastIndexOf(folder) + folder.length);
  const { version } = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { version: string };
  const key = crypto.createHash('sha256').update(`${version}\0${JUST_IN_TIME_CEDAR_SCHEMA}\0${policies}`).digest('hex');
  const file = path.join(pkg, '..', '..', '.cache', 'ssm-session-kit', 'cedar', `${key}.json`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as string[];
  } catch {
    // Not known yet.
  }
  const problems = validate();
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // A unique name, then renamed: a run beside this one never reads half an answer.
    const partial = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(partial, JSON.stringify(problems));
    fs.renameSync(partial, file);
  } catch {
    // A read-only install: validated again next time.
  }
  return problems;
}

/** The comment above the n-th statement ("policy0", "policy1", ...), which names the config field it came from. */
function statementDescription(policies: string, policyId: string): string {
  const index = Number(/^policy(\d+)$/.exec(policyId)?.[1]);
  const comments = [...policies.matchAll(/^\/\/ (.*)\n(?:permit|forbid)/gm)].map((m) => m[1]);
  return comments[index] ?? policyId;
}
