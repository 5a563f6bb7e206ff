import type { StackValidation } from '../scripts/lib/offline-validation';
import { validateConfig } from '../config/validate';
import { accessReport } from '../scripts/lib/access-report';
import type { PolicyJson } from '../scripts/lib/iam-decide';
import { configProblems, rawConfig } from './helpers';
import { decide, ResolvedPlan } from './iam-evaluation';
import { identityCenterUser, sessionOf } from './support/callers';
import { IDENTITY_CENTER_ACCOUNT, PLATFORM_ENGINEERS_ID, withIdentityCenter } from './support/identity-center-config';
import { identityCenterSessionTags, sessionOsUser } from './support/run-as';
import { archiveAndIdentityCenter } from './support/archive-and-identity-center';
import { type ApiCall, cloudTrailEvent, identityCenterSession, roleSession } from './support/cloudtrail';
import { matches } from './support/event-pattern';
import { expectChainAlerts, plannedAlertRules } from './support/trust-chain-alerts';

/**
 * Access through IAM Identity Center: the permission sets the identity-center stack plans, evaluated
 * by the IAM engine for an Identity Center role session in the environment's account.
 */
jest.setTimeout(10 * 60_000);

const PROD = '333333333333';
const STACKS = ['identity-center', 'dev', 'prod'];
let plans: Record<string, ResolvedPlan>;
let results: StackValidation[];

function icConfig(): any {
  const raw = withIdentityCenter(rawConfig());
  delete raw.$schema;
  return raw;
}

beforeAll(async () => {
  // Planned once per test run with the log archive's tests, on a config with both.
  const shared = await archiveAndIdentityCenter();
  results = STACKS.map((stack) => shared.results[stack]);
  plans = Object.fromEntries(results.map((r) => [r.stack, new ResolvedPlan(r.planFile!)]));
});

it('plans, offline, one permission set, inline policy, boundary and the assignments per group and account', () => {
  expect(results.map((r) => ({ stack: r.stack, ok: r.ok, diagnostics: r.diagnostics }))).toEqual(STACKS.map((stack) => ({ stack, ok: true, diagnostics: [] })));
  const ic = plans['identity-center'];
  const sets = ic.all('aws_ssoadmin_permission_set').map((r) => r.values);
  expect(sets.map((s) => ({ name: s.name, duration: s.session_duration }))).toEqual([
    { name: 'dev-developers', duration: 'PT1H' }, { name: 'ProdEngineers', duration: 'PT4H' },
  ]);
  expect(ic.all('aws_ssoadmin_permission_set_inline_policy')).toHaveLength(2);
  expect(ic.all('aws_ssoadmin_permissions_boundary_attachment').map((r) => r.values.permissions_boundary[0].customer_managed_policy_reference[0]).sort((a, b) => a.name.localeCompare(b.name)))
    .toEqual([{ name: 'ssm-session-kit-dev-permissions-boundary', path: '/' }, { name: 'ssm-session-kit-prod-permissions-boundary', path: '/' }]);
  const assignments = ic.all('aws_ssoadmin_account_assignment').map((r) => r.values);
  expect(assignments.map((a) => ({ target: a.target_id, type: a.target_type, principal: a.principal_type }))).toEqual([
    { target: '111111111111', type: 'AWS_ACCOUNT', principal: 'GROUP' },
    { target: PROD, type: 'AWS_ACCOUNT', principal: 'GROUP' },
    { target: PROD, type: 'AWS_ACCOUNT', principal: 'GROUP' },
  ]);
  // A group given by id is used as it is; one given by name is looked up in the identity store.
  expect(assignments.map((a) => a.principal_id)).toContain(PLATFORM_ENGINEERS_ID);
  expect(assignments.filter((a) => a.principal_id !== PLATFORM_ENGINEERS_ID).every((a) => /^[0-9a-f]{8}-/.test(a.principal_id))).toBe(true);
});

describe("an Identity Center user's session in prod, with the ProdEngineers permission set", () => {
  const region = 'eu-central-1';
  const instance = `arn:aws:ec2:${region}:${PROD}:instance/i-0123456789abcdef0`;
  const inline = (): PolicyJson => {
    const ic = plans['identity-center'];
    const set = ic.one('aws_ssoadmin_permission_set', (v) => v.name === 'ProdEngineers');
    const policies = ic.all('aws_ssoadmin_permission_set_inline_policy');
    // Planned from the set's ARN, which AWS assigns: the one inline policy that is not dev's.
    const devSet = ic.one('aws_ssoadmin_permission_set', (v) => v.name === 'dev-developers');
    const found = policies.filter((p) => p.address.includes('prod-engineers'));
    expect({ set: set.address, dev: devSet.address, found: found.length }).toMatchObject({ found: 1 });
    return ic.policy(found[0], 'inline_policy');
  };
  const boundary = (): PolicyJson => plans.prod.policy(plans.prod.one('aws_iam_policy', (v) => v.name === 'ssm-session-kit-prod-permissions-boundary'));
  // ("IAM Identity Center identities in AWS CloudTrail", "AWS global condition context keys") The
  // role AWSReservedSSO_<set>_<suffix>, a session named after the user; no MFA key in the context,
  // which the access portal enforced.
  const alice = identityCenterUser(PROD, 'ProdEngineers', 'alice@example.com');
  const bob = identityCenterUser(PROD, 'ProdEngineers', 'bob@example.com');
  const ask = (action: string, resource: string, context: Record<string, string | string[]> = {}, caller = alice) => decide({
    principal: caller.principal, action, resource, resourceAccount: PROD,
    identityPolicies: [{ name: 'AwsSSOInlinePolicy', policy: inline() }],
    permissionBoundary: boundary(),
    // A KMS key's policy must let IAM policies grant it: the session key's does.
    resourcePolicy: action.startsWith('kms:') ? plans.prod.policy(plans.prod.sessionKey()) : undefined,
    context: { ...caller.context, ...context },
  });
  const tagged = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).map(([k, v]) => [`ssm:resourceTag/${k}`, v]));

  it("reaches the operators' instances in prod, and nothing else", async () => {
    expect(await ask('ssm:StartSession', instance, tagged({ Environment: 'prod', AccessGroup: 'operators' }))).toBe('Allowed');
    expect(await ask('ssm:StartSession', `arn:aws:ssm:${region}:${PROD}:document/SSM-SessionManagerRunShell`)).toBe('Allowed');
    expect(await ask('ssm:StartSession', instance, tagged({ Environment: 'prod', AccessGroup: 'break-glass' }))).toBe('ImplicitlyDenied');
    expect(await ask('ssm:StartSession', instance, tagged({ Environment: 'staging', AccessGroup: 'operators' }))).toBe('ImplicitlyDenied');
    // Another region records nothing: the boundary refuses it besides.
    expect(await ask('ssm:StartSession', `arn:aws:ec2:eu-west-1:${PROD}:instance/i-0123456789abcdef0`, tagged({ Environment: 'prod', AccessGroup: 'operators' }))).toBe('ExplicitlyDenied');
    expect(await ask('ssm:StartSession', `arn:aws:ssm:${region}:${PROD}:document/AWS-StartPortForwardingSession`)).not.toBe('Allowed');
    expect(await ask('ssm:SendCommand', instance, tagged({ Environment: 'prod', AccessGroup: 'operators' }))).not.toBe('Allowed');
    // The session key, by its alias ("AWS KMS condition keys": kms:ResourceAliases).
    const key = `arn:aws:kms:${region}:${PROD}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    expect(await ask('kms:GenerateDataKey', key, { 'kms:ResourceAliases': ['alias/ssm-session-kit-prod-sessions'] })).toBe('Allowed');
    expect(await ask('kms:GenerateDataKey', key, { 'kms:ResourceAliases': ['alias/another'] })).toBe('ImplicitlyDenied');
  });

  it('resumes and ends its own sessions only', async () => {
    const own = sessionOf(alice, PROD, region);
    const others = sessionOf(bob, PROD, region);
    expect(await ask('ssm:ResumeSession', own.arn, own.tags)).toBe('Allowed');
    expect(await ask('ssm:TerminateSession', own.arn, own.tags)).toBe('Allowed');
    expect(await ask('ssm:ResumeSession', others.arn, others.tags)).toBe('ImplicitlyDenied');
    expect(await ask('ssm:TerminateSession', others.arn, others.tags)).toBe('ImplicitlyDenied');
  });

  it('runs as the engineer: the SSMSessionRunAs session tag Identity Center passes, an OS user the instances have', () => {
    const attributes = plans['identity-center'].one('aws_ssoadmin_instance_access_control_attributes').values.attribute;
    expect(attributes).toEqual([{ key: 'SSMSessionRunAs', value: [{ source: ['${path:userName}'] }] }]);
    const preferences = JSON.parse(plans.prod.one('aws_ssm_document', (v) => v.name === 'SSM-SessionManagerRunShell').values.content).inputs;
    const userData = plans.prod.all('aws_instance').map((i) => i.values.user_data as string);
    for (const data of userData) {
      const nodeUsers = JSON.parse(data.replace(/^#cloud-config\n/, '')).users.filter((u: unknown) => typeof u === 'object').map((u: { name: string }) => u.name);
      const as = (userName: string) => sessionOsUser(preferences, { sessionTags: identityCenterSessionTags(attributes, { userName }) }, nodeUsers);
      expect(as('alice')).toBe('alice');
      expect(as('bob')).toBe('bob');
      // Someone of the group whose OS user the config does not list: Session Manager starts no session.
      expect(as('carol')).toBe('no session');
    }
    // dev runs no run-as: its developers' sessions stay ssm-user's, whatever tag they carry.
    const devPreferences = JSON.parse(plans.dev.one('aws_ssm_document', (v) => v.name === 'SSM-SessionManagerRunShell').values.content).inputs;
    expect(sessionOsUser(devPreferences, { sessionTags: identityCenterSessionTags(attributes, { userName: 'alice' }) }, [])).toBe('ssm-user');
  });
});

it('the access report names the permission set, the Identity Center groups, who sessions run as, and how to sign in', () => {
  const report = accessReport(validateConfig(icConfig()));
  expect(report).toContain(`permission set ProdEngineers to Identity Center Platform Engineers, ${PLATFORM_ENGINEERS_ID} (runs as each engineer)`);
  expect(report).toContain('permission set dev-developers to Identity Center Developers (runs as shared ssm-user)');
  expect(report).toContain(`aws configure sso --profile prod-ProdEngineers  (account ${PROD}, role ProdEngineers, region eu-central-1)`);
  expect(report).toContain('aws sso login --profile prod-ProdEngineers');
});

describe('Identity Center config', () => {
  const withIc = (mutate: (raw: any) => void) => (raw: any) => { withIdentityCenter(raw); mutate(raw); };
  it.each([
    ['a group with a permission set and IAM-enforced MFA', withIc((raw) => { raw.environments.prod.accessGroups.engineers.mfa = 'iam'; }),
      /environment "prod", field "accessGroups\.engineers\.mfa": .*set "mfa": "identity-provider"/],
    ['an attribute that is not an Identity Center attribute path', withIc((raw) => { raw.identityCenter.runAsAttribute = '${path:shoeSize}'; }),
      /identity-center, field "runAsAttribute": is not an Identity Center attribute path/],
    ['two permission sets of one name', withIc((raw) => { raw.environments.dev.accessGroups.developers.permissionSet.name = 'ProdEngineers'; }),
      /environment "prod", field "accessGroups\.engineers\.permissionSet\.name": "ProdEngineers" is also environment "dev" group "developers"'s permission set/],
    ['a permission set without identityCenter', (raw: any) => { raw.environments.dev.accessGroups.developers.permissionSet = { groups: ['Developers'] }; },
      /environment "dev", field "accessGroups\.developers\.permissionSet": needs identityCenter/],
    ['engineers running as themselves where run-as is off', withIc((raw) => { raw.environments.dev.accessGroups.developers.permissionSet.runAs = 'engineer'; }),
      /environment "dev", field "accessGroups\.developers\.permissionSet\.runAs": is "engineer", which takes effect only with run-as on/],
    ['a shared user Identity Center would override', withIc((raw) => { raw.environments.prod.accessGroups.engineers.permissionSet = { groups: ['Ops'], runAs: 'shared' }; }),
      /environment "prod", field "accessGroups\.engineers\.permissionSet\.runAs": is "shared", but Identity Center passes SSMSessionRunAs/],
    ['an Identity Center role without a permission set where its sessions would run as each engineer', withIc((raw) => {
      Object.assign(raw.environments.prod.accessGroups.operators, { roleNames: ['AWSReservedSSO_Operators_0a1b2c3d4e5f6789'], mfa: 'identity-provider' });
    }), /environment "prod", field "accessGroups\.operators\.roleNames": has the Identity Center role AWSReservedSSO_Operators_0a1b2c3d4e5f6789, whose sessions run as each engineer/],
    ['a session longer than Identity Center allows', withIc((raw) => { raw.environments.prod.accessGroups.engineers.permissionSet.sessionDuration = 'PT13H'; }),
      /environment "prod", field "accessGroups\.engineers\.permissionSet\.sessionDuration": must be an ISO 8601 duration from PT1H to PT12H/],
  ])('refuses %s, naming environment, group and field', (_what, mutate, message) => {
    expect(configProblems(mutate)).toMatch(message);
  });

  it('defaults MFA to the identity provider for a permission set, and names the set after environment and group', () => {
    const config = validateConfig(icConfig());
    const developers = config.environments.find((e) => e.name === 'dev')!.accessGroups.find((g) => g.name === 'developers')!;
    expect(developers).toMatchObject({ mfa: 'identity-provider', permissionSet: { name: 'dev-developers', runAs: 'shared' } });
    expect(config.identityCenter).toMatchObject({ accountId: IDENTITY_CENTER_ACCOUNT, state: { key: 'ssm-session-kit/identity-center/terraform.tfstate' } });
  });
});

describe("alerts on the groups that have session access, in Identity Center's account", () => {
  // ("Identity Store API Reference") CreateGroupMembership takes IdentityStoreId, GroupId and MemberId
  // (a UserId); UpdateUser, IdentityStoreId, UserId and Operations. CloudTrail records them camel-cased,
  // from identitystore.amazonaws.com ("Identity Store events", EventBridge).
  const join = (groupId: string): ApiCall => ({
    service: 'identitystore', eventName: 'CreateGroupMembership',
    requestParameters: { identityStoreId: 'd-1234567890', groupId, memberId: { userId: '94482488-3041-7026-18f3-be45837cd0e4' } },
  });
  const updateUser: ApiCall = {
    service: 'identitystore', eventName: 'UpdateUser',
    requestParameters: { identityStoreId: 'd-1234567890', userId: '94482488-3041-7026-18f3-be45837cd0e4', operations: [{ attributePath: 'userName', attributeValue: 'alice' }] },
  };
  const at = { account: IDENTITY_CENTER_ACCOUNT, region: 'us-east-1' };
  const admin = identityCenterSession(IDENTITY_CENTER_ACCOUNT, 'IdentityAdministrators', 'mallory@example.com', 'us-east-1');
  const pipeline = roleSession(IDENTITY_CENTER_ACCOUNT, 'ssm-session-kit-identity-center-deploy', 'github-actions-1');
  const pattern = () => JSON.parse(plans['identity-center'].one('aws_cloudwatch_event_rule', (v) => v.name === 'ssm-session-kit-identity-center-alert-identity-store').values.event_pattern);
  /** The groups the permission sets are assigned to, as the plan resolves them. */
  const assigned = () => [...new Set(plans['identity-center'].all('aws_ssoadmin_account_assignment').map((a) => a.values.principal_id as string))];

  it('alerts when anyone but the pipeline adds a member to a group assigned a permission set, allowed or refused', () => {
    expect(assigned()).toContain(PLATFORM_ENGINEERS_ID);
    for (const group of assigned()) {
      for (const denied of [false, true]) expect({ group, denied, fires: matches(pattern(), cloudTrailEvent(join(group), admin, { ...at, denied })) }).toEqual({ group, denied, fires: true });
      expect(matches(pattern(), cloudTrailEvent(join(group), pipeline, at))).toBe(false);
    }
    expect(matches(pattern(), cloudTrailEvent(join('9a6b5c4d3e-00000000-0000-0000-0000-000000000000'), admin, at))).toBe(false);
  });

  it("alerts on any change to a user, whose attributes name the OS user each engineer's sessions run as (runAsAttribute)", () => {
    expect(matches(pattern(), cloudTrailEvent(updateUser, admin, at))).toBe(true);
  });
});

describe("alerts on the project's permission sets and attributes for access control, in Identity Center's account", () => {
  // ("IAM Identity Center API Reference") the permission-set calls name the set by PermissionSetArn and the
  // instance by InstanceArn; CreateAccountAssignment also TargetId, TargetType, PrincipalType, PrincipalId;
  // UpdateInstanceAccessControlAttributeConfiguration the InstanceAccessControlAttributeConfiguration.
  const at = { account: IDENTITY_CENTER_ACCOUNT, region: 'us-east-1' };
  const admin = identityCenterSession(IDENTITY_CENTER_ACCOUNT, 'IdentityAdministrators', 'mallory@example.com', 'us-east-1');
  const pipeline = roleSession(IDENTITY_CENTER_ACCOUNT, 'ssm-session-kit-identity-center-deploy', 'github-actions-1');
  const instanceArn = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
  const sso = (eventName: string, params: Record<string, unknown>): ApiCall => ({ service: 'sso', eventName, requestParameters: { instanceArn, ...params } });
  const moves = (permissionSetArn: string) => [
    sso('PutInlinePolicyToPermissionSet', { permissionSetArn, inlinePolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' }),
    sso('DeletePermissionsBoundaryFromPermissionSet', { permissionSetArn }),
    sso('AttachManagedPolicyToPermissionSet', { permissionSetArn, managedPolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
    sso('CreateAccountAssignment', { permissionSetArn, targetId: '333333333333', targetType: 'AWS_ACCOUNT', principalType: 'USER', principalId: '94482488-3041-7026-18f3-be45837cd0e4' }),
  ];
  const pattern = () => JSON.parse(plans['identity-center'].one('aws_cloudwatch_event_rule', (v) => v.name === 'ssm-session-kit-identity-center-alert-permission-sets').values.event_pattern);
  const sets = () => plans['identity-center'].all('aws_ssoadmin_permission_set').map((s) => s.values.arn as string);

  it("alerts when anyone but the pipeline changes a project permission set's policies, boundary or assignments, within EventBridge's size", () => {
    expect(JSON.stringify(pattern()).length).toBeLessThanOrEqual(2048);
    expect(sets().length).toBeGreaterThan(0);
    for (const set of sets()) {
      for (const call of moves(set)) {
        for (const denied of [false, true]) expect({ call: call.eventName, denied, fires: matches(pattern(), cloudTrailEvent(call, admin, { ...at, denied })) }).toEqual({ call: call.eventName, denied, fires: true });
        expect(matches(pattern(), cloudTrailEvent(call, pipeline, at))).toBe(false);
      }
    }
    for (const call of moves(`${instanceArn.replace(':instance/', ':permissionSet/')}/ps-0000000000000000`)) expect(matches(pattern(), cloudTrailEvent(call, admin, at))).toBe(false);
  });

  it('alerts on remapping the attributes for access control, one of which names the OS user sessions run as', () => {
    const remap = sso('UpdateInstanceAccessControlAttributeConfiguration', {
      instanceAccessControlAttributeConfiguration: { accessControlAttributes: [{ key: 'SSMSessionRunAs', value: { source: ['${path:name.givenName}'] } }] },
    });
    expect(matches(pattern(), cloudTrailEvent(remap, admin, at))).toBe(true);
  });
});

describe("alerts on the trust chain of Identity Center's account", () => {
  it('alerts when anyone moves on its pipeline role or OrganizationAccountAccessRole: IAM calls, AssumeRole, allowed or refused', () => {
    const rules = plannedAlertRules(plans['identity-center'], 'ssm-session-kit-identity-center-alert-');
    // Identity Center's region is us-east-1 here: IAM's and STS's global events arrive where the rules are.
    expect(rules.forwards).toEqual({});
    expectChainAlerts(rules, { account: IDENTITY_CENTER_ACCOUNT, region: 'us-east-1' }, ['ssm-session-kit-identity-center-deploy', 'OrganizationAccountAccessRole'],
      roleSession(IDENTITY_CENTER_ACCOUNT, 'ssm-session-kit-identity-center-deploy', 'github-actions-1'));
  });
});
