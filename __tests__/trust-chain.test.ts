import { StackValidation } from '../scripts/lib/offline-validation';
import type { PolicyJson } from '../scripts/lib/iam-decide';
import { ALLOW_EVERYTHING, decide, ResolvedPlan } from './iam-evaluation';
import { shippedPlans } from './support/shipped-plans';
import { accountAdministersKey } from '../modules/shared/encryption-key';
import { archiveAndIdentityCenter } from './support/archive-and-identity-center';
import { IDENTITY_CENTER_ACCOUNT } from './support/identity-center-config';
import { ARCHIVE_ACCOUNT, ARCHIVE_BUCKET, ARCHIVE_PIPELINE } from './support/log-archive-config';
import { cloudTrailEvent, identityCenterSession, otherAccount, roleSession, trustChainCalls, watchedCalls } from './support/cloudtrail';
import { firing, type PlannedAlertRules, plannedAlertRules, expectChainAlerts } from './support/trust-chain-alerts';

/**
 * Nobody becomes the pipeline: an administrator of an environment's account (AdministratorAccess),
 * each move of taking the pipeline over, step by step, against every delivery on its own (the deny
 * policies attached to the administrators, the boundary of a role they create, the organization's
 * SCP), on the resolved plans. The condition keys are those AWS sends ("Actions, resources, and
 * condition keys for AWS Identity and Access Management": iam:PolicyARN for AttachRolePolicy,
 * iam:PermissionsBoundary for CreateRole; "AWS global condition context keys": aws:PrincipalArn,
 * aws:PrincipalAccount and aws:ResourceAccount on every signed request).
 */

// Real Terraform plans with the real AWS provider: minutes on a cold plugin cache.
jest.setTimeout(10 * 60_000);

let results: StackValidation[];
beforeAll(async () => {
  ({ results } = await shippedPlans());
});

type Delivery = 'deny policy' | 'boundary' | 'SCP';
const DELIVERIES: Delivery[] = ['deny policy', 'boundary', 'SCP'];

interface Move {
  readonly what: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string>;
  /** The deliveries that refuse it. @default every one */
  readonly refusedBy?: readonly Delivery[];
}

/** An environment's policies by delivery, from the resolved plans. */
function deliveries(envName: string) {
  let plan: ResolvedPlan;
  let scps: PolicyJson[];
  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === envName)!.planFile!);
    scps = new ResolvedPlan(results.find((r) => r.stack === 'organization')!.planFile!).scps();
  });
  const named = (name: string) => plan.managedPolicy(name);
  const prefix = `ssm-session-kit-${envName}`;
  /** Whether a principal holding AdministratorAccess, under one delivery, is allowed the move. */
  return (principal: string, account: string, delivery: Delivery | 'none', move: Move) => decide({
    principal,
    action: move.action,
    resource: move.resource,
    resourceAccount: account,
    identityPolicies: [
      { name: 'AdministratorAccess', policy: ALLOW_EVERYTHING },
      ...(delivery === 'deny policy' ? [`${prefix}-audit-trail-guardrail`, `${prefix}-recording-path-guardrail`].map((name) => ({ name, policy: named(name) })) : []),
    ],
    permissionBoundary: delivery === 'boundary' ? named(`${prefix}-permissions-boundary`) : undefined,
    scps: delivery === 'SCP' ? scps : undefined,
    context: move.context,
  });
}

const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

describe.each([
  ['dev', '111111111111', 'eu-west-1'],
  ['prod', '333333333333', 'eu-central-1'],
])('%s: an administrator taking the pipeline over, move by move', (envName, account, region) => {
  const decideAs = deliveries(envName);
  const admin = role(account, `AWSReservedSSO_Administrators_${envName}`);
  const deploy = role(account, 'ssm-session-kit-deploy');
  const plan = role(account, 'ssm-session-kit-plan');
  const orgAccess = role(account, 'OrganizationAccountAccessRole');
  const boundary = `arn:aws:iam::${account}:policy/ssm-session-kit-${envName}-permissions-boundary`;
  // The take-over through OrganizationAccountAccessRole (in an invited account, created first), then as
  // the pipeline; and the same on the pipeline's roles directly, as strict mode without the SCP allowed.
  const moves: Move[] = [
    { what: "re-trust OrganizationAccountAccessRole to oneself", action: 'iam:UpdateAssumeRolePolicy', resource: orgAccess },
    { what: 'create OrganizationAccountAccessRole, bounded, where it does not exist', action: 'iam:CreateRole', resource: orgAccess, context: { 'iam:PermissionsBoundary': boundary } },
    { what: 'assume OrganizationAccountAccessRole', action: 'sts:AssumeRole', resource: orgAccess },
    { what: 'grant OrganizationAccountAccessRole more', action: 'iam:PutRolePolicy', resource: orgAccess },
    { what: 're-trust the deploy role', action: 'iam:UpdateAssumeRolePolicy', resource: deploy },
    { what: 'attach AdministratorAccess to the deploy role', action: 'iam:AttachRolePolicy', resource: deploy, context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' } },
    { what: "lift the deploy role's boundary", action: 'iam:DeleteRolePermissionsBoundary', resource: deploy },
    { what: 'assume the deploy role', action: 'sts:AssumeRole', resource: deploy },
    { what: 'delete the deploy role, to create one of its name', action: 'iam:DeleteRole', resource: deploy },
    { what: 'create a role of the deploy role\'s name, bounded', action: 'iam:CreateRole', resource: deploy, context: { 'iam:PermissionsBoundary': boundary } },
    { what: 're-trust the plan role', action: 'iam:UpdateAssumeRolePolicy', resource: plan },
    { what: 'assume the plan role', action: 'sts:AssumeRole', resource: plan },
    // The boundary leaves the provider to the deny policy and the SCP (one managed policy's size): a
    // bounded role changing it forges no token of GitHub's, whose subject the pipeline's trust checks.
    {
      what: "add an audience to GitHub's identity provider", action: 'iam:AddClientIDToOpenIDConnectProvider',
      resource: `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`, refusedBy: ['deny policy', 'SCP'],
    },
  ];

  it.each(moves.map((m) => [m.what, m] as const))('is refused "%s" by every delivery on its own, and allowed it without them', async (_what, move) => {
    expect(await decideAs(admin, account, 'none', move)).toBe('Allowed');
    for (const delivery of move.refusedBy ?? DELIVERIES) {
      expect({ delivery, decision: await decideAs(admin, account, delivery, move) }).toEqual({ delivery, decision: 'ExplicitlyDenied' });
    }
  });

  it("refuses rewriting the access groups' and the guardrails' managed policies (what a break-glass role may do) in the deny policy and the SCP", async () => {
    for (const name of [`ssm-session-kit-${envName}-operators`, `ssm-session-kit-${envName}-audit-trail-guardrail`]) {
      for (const action of ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy']) {
        const move = { what: action, action, resource: `arn:aws:iam::${account}:policy/${name}` };
        expect(await decideAs(admin, account, 'none', move)).toBe('Allowed');
        for (const delivery of ['deny policy', 'SCP'] as const) {
          expect({ name, action, delivery, decision: await decideAs(admin, account, delivery, move) }).toEqual({ name, action, delivery, decision: 'ExplicitlyDenied' });
        }
      }
    }
    expect(await decideAs(deploy, account, 'SCP', { what: 'deploy', action: 'iam:CreatePolicyVersion', resource: `arn:aws:iam::${account}:policy/ssm-session-kit-${envName}-operators` })).toBe('Allowed');
  });

  it('refuses OrganizationAccountAccessRole itself, under the SCP, every step on the deploy role: it is an administrator, not an exception', async () => {
    for (const move of moves.filter((m) => m.resource === deploy)) {
      expect({ move: move.what, decision: await decideAs(orgAccess, account, 'SCP', move) }).toEqual({ move: move.what, decision: 'ExplicitlyDenied' });
    }
  });

  it('leaves the pipeline its deploys under the SCP: the preferences document, its session key\'s policy', async () => {
    const document = `arn:aws:ssm:${region}:${account}:document/SSM-SessionManagerRunShell`;
    expect(await decideAs(deploy, account, 'SCP', { what: 'deploy the preferences', action: 'ssm:UpdateDocument', resource: document })).toBe('Allowed');
    expect(await decideAs(deploy, account, 'SCP', { what: 'create a log group', action: 'logs:PutRetentionPolicy', resource: `arn:aws:logs:${region}:${account}:log-group:/ssm-session-kit/${envName}/sessions` })).toBe('Allowed');
  });

  it("refuses a role of the pipeline's name in an account that does not declare it everything, under the SCP", async () => {
    const elsewhere = '555555555555';
    const imposter = role(elsewhere, 'ssm-session-kit-deploy');
    const document = `arn:aws:ssm:${region}:${elsewhere}:document/SSM-SessionManagerRunShell`;
    expect(await decideAs(imposter, elsewhere, 'SCP', { what: 'rewrite the preferences', action: 'ssm:UpdateDocument', resource: document })).toBe('ExplicitlyDenied');
    expect(await decideAs(imposter, elsewhere, 'SCP', { what: 'read a bucket', action: 's3:GetObject', resource: 'arn:aws:s3:::any-bucket/any-key' })).toBe('ExplicitlyDenied');
  });

  it("refuses a session with another account's document of the preferences' name (StartSession takes an ARN), and keeps the own account's", async () => {
    const engineer = role(account, `ssm-session-kit-${envName}-operators`);
    const own = `arn:aws:ssm:${region}:${account}:document/SSM-SessionManagerRunShell`;
    const shared = `arn:aws:ssm:${region}:444455556666:document/SSM-SessionManagerRunShell`;
    const start = (resource: string, resourceAccount: string) =>
      decideAs(engineer, resourceAccount, 'SCP', { what: 'start a session', action: 'ssm:StartSession', resource });
    expect(await start(own, account)).toBe('Allowed');
    expect(await start(shared, '444455556666')).toBe('ExplicitlyDenied');
  });
});

describe("a break-glass role's name in another account (dev), under the SCP", () => {
  const decideAs = deliveries('dev');
  const dev = '111111111111';
  const prod = '333333333333';
  const instance = (account: string, region: string, env: string): Move => ({
    what: 'run a command', action: 'ssm:SendCommand', resource: `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`,
    context: { 'aws:ResourceTag/Environment': env, 'aws:ResourceTag/ManagedBy': 'ssm-session-kit' },
  });

  it("refuses an administrator creating a role of prod's break-glass name in dev, with or without the boundary", async () => {
    const breakGlass = role(dev, 'ssm-session-kit-prod-break-glass');
    const admin = role(dev, 'AWSReservedSSO_Administrators_dev');
    expect(await decideAs(admin, dev, 'SCP', { what: 'create', action: 'iam:CreateRole', resource: breakGlass })).toBe('ExplicitlyDenied');
    expect(await decideAs(admin, dev, 'SCP', {
      what: 'create bounded', action: 'iam:CreateRole', resource: breakGlass, context: { 'iam:PermissionsBoundary': 'arn:aws:iam::111111111111:policy/ssm-session-kit-dev-permissions-boundary' },
    })).toBe('ExplicitlyDenied');
  });

  it('refuses such a role, were it there, Run Command on the instances of dev; prod\'s break-glass keeps it in prod', async () => {
    expect(await decideAs(role(dev, 'ssm-session-kit-prod-break-glass'), dev, 'SCP', instance(dev, 'eu-west-1', 'dev'))).toBe('ExplicitlyDenied');
    expect(await decideAs(role(prod, 'ssm-session-kit-prod-break-glass'), prod, 'SCP', instance(prod, 'eu-central-1', 'prod'))).toBe('Allowed');
    // The pipeline of prod creates it, from reviewed code.
    expect(await decideAs(role(prod, 'ssm-session-kit-deploy'), prod, 'SCP', { what: 'create', action: 'iam:CreateRole', resource: role(prod, 'ssm-session-kit-prod-break-glass') })).toBe('Allowed');
  });
});

describe('the log-archive account: an administrator taking its pipeline over, then the archive', () => {
  const archive = ARCHIVE_ACCOUNT;
  let plan: ResolvedPlan;
  let scps: PolicyJson[];
  beforeAll(async () => {
    const shared = await archiveAndIdentityCenter();
    plan = new ResolvedPlan(shared.results['log-archive'].planFile!);
    scps = new ResolvedPlan(shared.results.organization.planFile!).scps();
  });
  const admin = role(archive, 'AWSReservedSSO_Administrators_archive');
  const pipeline = ARCHIVE_PIPELINE;
  const key = () => plan.one('aws_kms_key', (v) => v.description === 'Encrypts the central archive of Session Manager transcripts');
  const asAdmin = (action: string, resource: string, under: 'SCP' | 'resource policy', context: Record<string, string> = {}) => decide({
    principal: admin, action, resource, resourceAccount: archive,
    identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }],
    scps: under === 'SCP' ? scps : undefined,
    resourcePolicy: under === 'resource policy' ? (resource.startsWith('arn:aws:kms') ? plan.policy(key()) : plan.policy(plan.one('aws_s3_bucket_policy'))) : undefined,
    context: { ...(resource.startsWith('arn:aws:kms') ? { 'aws:ResourceTag/ssm-session-kit:audit-trail': 'true' } : {}), ...context },
  });

  it('refuses re-trusting, assuming or re-policying the archive\'s deploy role, and OrganizationAccountAccessRole, under the SCP', async () => {
    for (const [action, resource] of [
      ['iam:UpdateAssumeRolePolicy', pipeline], ['sts:AssumeRole', pipeline], ['iam:AttachRolePolicy', pipeline],
      ['iam:UpdateAssumeRolePolicy', role(archive, 'OrganizationAccountAccessRole')], ['sts:AssumeRole', role(archive, 'OrganizationAccountAccessRole')],
    ]) {
      expect({ action, resource, decision: await asAdmin(action, resource, 'SCP') }).toEqual({ action, resource, decision: 'ExplicitlyDenied' });
    }
  });

  it("refuses deleting, disabling or re-policying the archive key, and re-policying its bucket, by the SCP and by their own policies", async () => {
    for (const [action, resource] of [
      ['kms:ScheduleKeyDeletion', key().values.arn], ['kms:DisableKey', key().values.arn], ['kms:PutKeyPolicy', key().values.arn], ['s3:PutBucketPolicy', `arn:aws:s3:::${ARCHIVE_BUCKET}`],
    ]) {
      for (const under of ['SCP', 'resource policy'] as const) {
        expect({ action, under, decision: await asAdmin(action, resource, under) }).toEqual({ action, under, decision: 'ExplicitlyDenied' });
      }
    }
  });
});

describe('the state, in the bootstrap account: an administrator rewriting what the pipeline applies', () => {
  const account = '000000000000';
  const bucket = 'arn:aws:s3:::acme-ssm-session-kit-tfstate';
  const prodState = `${bucket}/ssm-session-kit/prod/terraform.tfstate`;
  const admin = role(account, 'AWSReservedSSO_Administrators_bootstrap');
  let plan: ResolvedPlan;
  let scps: PolicyJson[];
  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === 'bootstrap')!.planFile!);
    scps = new ResolvedPlan(results.find((r) => r.stack === 'organization')!.planFile!).scps();
  });
  const key = () => plan.stateKey().values.arn as string;
  const denyPolicies = () => ['audit-trail-guardrail', 'recording-path-guardrail']
    .map((n) => ({ name: n, policy: plan.policy(plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-bootstrap-${n}`)) }));
  type Under = 'deny policy' | 'resource policy' | 'SCP';
  const request = (principal: string, action: string, resource: string, under: Under | 'none') => decide({
    principal, action, resource, resourceAccount: account,
    identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }, ...(under === 'deny policy' ? denyPolicies() : [])],
    // KMS needs its key policy to allow any use at all: the other deliveries are evaluated beside the
    // default key policy ("Default key policy", AWS KMS Developer Guide), which lets the account's IAM decide.
    resourcePolicy: resource.startsWith('arn:aws:kms')
      ? (under === 'resource policy' ? plan.policy(plan.stateKey()) : { Version: '2012-10-17', Statement: [accountAdministersKey('aws', account)] })
      : under === 'resource policy' ? plan.policy(plan.one('aws_s3_bucket_policy')) : undefined,
    scps: under === 'SCP' ? scps : undefined,
    context: resource.startsWith('arn:aws:kms') ? { 'aws:ResourceTag/ssm-session-kit:audit-trail': 'true' } : {},
  });
  const refusedBy = async (principal: string, action: string, resource: string, deliveries: Under[]) => {
    expect({ action, resource, decision: await request(principal, action, resource, 'none') }).toEqual({ action, resource, decision: 'Allowed' });
    for (const under of deliveries) {
      expect({ action, resource, under, decision: await request(principal, action, resource, under) }).toEqual({ action, resource, under, decision: 'ExplicitlyDenied' });
    }
  };

  it('refuses creating a role of a state role\'s name, and one so named gets no state', async () => {
    await refusedBy(admin, 'iam:CreateRole', role(account, 'ssm-session-kit-state-x'), ['deny policy', 'SCP']);
    await refusedBy(role(account, 'ssm-session-kit-state-x'), 's3:GetObject', prodState, ['resource policy']);
    await refusedBy(role(account, 'ssm-session-kit-state-x'), 's3:PutObject', prodState, ['resource policy']);
  });

  it("refuses re-trusting, re-policying or assuming prod's state role", async () => {
    for (const action of ['iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:AttachRolePolicy']) {
      await refusedBy(admin, action, role(account, 'ssm-session-kit-state-prod'), ['deny policy', 'SCP']);
    }
    await refusedBy(admin, 'sts:AssumeRole', role(account, 'ssm-session-kit-state-prod'), ['deny policy']);
  });

  it('refuses reading a version of the state or its lock, and replicating into the bucket, to anyone but the state roles', async () => {
    // ("Actions, resources, and condition keys for Amazon S3") a GET naming a version is s3:GetObjectVersion;
    // a replication role writes and deletes replicas with s3:ReplicateObject and s3:ReplicateDelete.
    await refusedBy(admin, 's3:GetObjectVersion', prodState, ['resource policy']);
    await refusedBy(admin, 's3:GetObjectVersion', `${prodState}.tflock`, ['resource policy']);
    const replication = role(account, 'attacker-replication');
    for (const action of ['s3:ReplicateObject', 's3:ReplicateDelete']) {
      await refusedBy(replication, action, prodState, ['resource policy']);
      await refusedBy(replication, action, `${prodState}.tflock`, ['resource policy']);
    }
    await refusedBy(admin, 's3:PutReplicationConfiguration', bucket, ['resource policy', 'deny policy', 'SCP']);
  });

  it("refuses a read-only state role breaking prod's lock or writing its state, whatever it is granted", async () => {
    const reader = role(account, 'ssm-session-kit-state-prod-read');
    await refusedBy(reader, 's3:DeleteObject', `${prodState}.tflock`, ['resource policy']);
    await refusedBy(reader, 's3:PutObject', prodState, ['resource policy']);
  });

  it("refuses re-policying the state bucket, deleting the state's history, and deleting or re-policying its key", async () => {
    await refusedBy(admin, 's3:PutBucketPolicy', bucket, ['resource policy', 'deny policy', 'SCP']);
    await refusedBy(admin, 's3:PutBucketVersioning', bucket, ['resource policy', 'deny policy', 'SCP']);
    await refusedBy(admin, 's3:DeleteObjectVersion', prodState, ['resource policy', 'deny policy', 'SCP']);
    for (const action of ['kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy', 'kms:DisableKey']) await refusedBy(admin, action, key(), ['resource policy', 'deny policy', 'SCP']);
  });

  it("leaves the bootstrap stack's pipeline its deploys, and prod's state role its state and lock", async () => {
    const pipeline = role(account, 'ssm-session-kit-bootstrap-deploy');
    for (const under of ['resource policy', 'SCP'] as const) {
      expect(await request(pipeline, 's3:PutBucketPolicy', bucket, under)).toBe('Allowed');
      expect(await request(pipeline, 'kms:PutKeyPolicy', key(), under)).toBe('Allowed');
      expect(await request(pipeline, 'iam:UpdateAssumeRolePolicy', role(account, 'ssm-session-kit-state-prod'), under)).toBe('Allowed');
    }
    const writer = role(account, 'ssm-session-kit-state-prod');
    for (const [action, object] of [['s3:PutObject', prodState], ['s3:DeleteObject', `${prodState}.tflock`]]) {
      for (const under of ['resource policy', 'SCP'] as const) expect({ action, under, decision: await request(writer, action, object, under) }).toEqual({ action, under, decision: 'Allowed' });
    }
  });
});

describe('the state, in the bootstrap account: alerts on each take-over step', () => {
  const account = '000000000000';
  const at = { account, region: 'eu-west-1' };
  const stateBucket = 'acme-ssm-session-kit-tfstate';
  const pipeline = roleSession(account, 'ssm-session-kit-bootstrap-deploy', 'github-actions-1');
  const admin = identityCenterSession(account, 'Administrators', 'mallory@example.com', 'eu-west-1');
  let plan: ResolvedPlan;
  let rules: PlannedAlertRules;
  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === 'bootstrap')!.planFile!);
    rules = plannedAlertRules(plan, 'ssm-session-kit-bootstrap-alert-');
  });

  it('alerts on every move on its pipeline role and OrganizationAccountAccessRole, and on creating or changing a state role', () => {
    // As Terraform resolves them, each within EventBridge's size.
    for (const { values } of plan.all('aws_cloudwatch_event_rule')) expect({ rule: values.name, size: values.event_pattern.length <= 2048 }).toEqual({ rule: values.name, size: true });
    expectChainAlerts(rules, at, ['ssm-session-kit-bootstrap-deploy', 'OrganizationAccountAccessRole'], pipeline);
    for (const roleName of ['ssm-session-kit-state-prod', 'ssm-session-kit-state-x']) {
      for (const call of trustChainCalls(account, roleName).iam) {
        const event = cloudTrailEvent(call, admin, { account, region: 'us-east-1' });
        expect({ roleName, call: call.eventName, forwarded: firing(rules.forwards, event), firing: firing(rules.here, event) })
          .toEqual({ roleName, call: call.eventName, forwarded: ['trust-chain-roles'], firing: ['trust-chain-roles'] });
      }
    }
  });

  it("stays quiet when prod's pipeline assumes prod's state role, and alerts when anyone is refused it", () => {
    // The role's account records a cross-account AssumeRole with the caller as AWSAccount ("CloudTrail
    // userIdentity element"); the caller's own account records it too, with its ARN.
    const [assume] = trustChainCalls(account, 'ssm-session-kit-state-prod').sts;
    for (const region of ['eu-west-1', 'us-east-1']) {
      expect(firing(rules.here, cloudTrailEvent(assume, otherAccount('333333333333'), { account, region }))).toEqual([]);
      for (const caller of [otherAccount('333333333333'), admin]) {
        expect({ region, caller: caller.type, firing: firing(rules.here, cloudTrailEvent(assume, caller, { account, region, denied: true })) })
          .toEqual({ region, caller: caller.type, firing: ['trust-chain'] });
      }
    }
  });

  it("alerts when anyone but its pipeline changes the state bucket's configuration or its key, allowed or refused", () => {
    const key = plan.stateKey().values;
    const calls = watchedCalls({
      document: '-', logGroup: '-', logGroupArn: '-', bucket: stateBucket, keyArn: key.arn, keyAlias: 'alias/ssm-session-kit-tfstate', ruleName: '-', topicArn: '-', trailName: '-',
    });
    for (const call of [...calls['log-bucket'], ...calls.key]) {
      for (const denied of [false, true]) {
        expect({ call: call.eventName, denied, alerts: firing(rules.here, cloudTrailEvent(call, admin, { ...at, denied })).length > 0 }).toEqual({ call: call.eventName, denied, alerts: true });
      }
      expect({ call: call.eventName, firing: firing(rules.here, cloudTrailEvent(call, pipeline, at)) }).toEqual({ call: call.eventName, firing: [] });
    }
  });

  it('lets its trail, and no other service, deliver into the state bucket under cloudtrail/, and nobody else write there', async () => {
    const trail = plan.one('aws_cloudtrail').values;
    expect(trail).toMatchObject({ s3_bucket_name: stateBucket, s3_key_prefix: 'cloudtrail', is_multi_region_trail: true, enable_logging: true });
    const trailArn = `arn:aws:cloudtrail:eu-west-1:${account}:trail/ssm-session-kit-bootstrap-trail`;
    // As "Amazon S3 bucket policy for CloudTrail" describes CloudTrail's delivery.
    const deliver = (object: string, sourceArn = trailArn, principal = 'cloudtrail.amazonaws.com') => decide({
      principal, action: 's3:PutObject', resource: `arn:aws:s3:::${stateBucket}/${object}`, resourceAccount: account,
      identityPolicies: [], resourcePolicy: plan.policy(plan.one('aws_s3_bucket_policy')),
      context: { 'aws:SourceArn': sourceArn, 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:PrincipalIsAWSService': 'true', 's3:x-amz-server-side-encryption': 'aws:kms' },
    });
    const log = `cloudtrail/AWSLogs/${account}/CloudTrail/eu-west-1/2026/12/03/${account}_CloudTrail_eu-west-1_20261203T1200Z_abc.json.gz`;
    expect(await deliver(log)).toBe('Allowed');
    expect(await deliver('ssm-session-kit/prod/terraform.tfstate')).not.toBe('Allowed');
    expect(await deliver(log, `arn:aws:cloudtrail:eu-west-1:${account}:trail/another`)).not.toBe('Allowed');
    expect(await deliver(log, trailArn, 'logging.s3.amazonaws.com')).not.toBe('Allowed');
  });
});

describe("IAM Identity Center's administrators, where Identity Center is managed from an account the SCP reaches", () => {
  const account = IDENTITY_CENTER_ACCOUNT;
  let scps: PolicyJson[];
  beforeAll(async () => {
    const shared = await archiveAndIdentityCenter();
    scps = new ResolvedPlan(shared.results.organization.planFile!).scps();
  });
  const permissionSet = 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef';
  const instance = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
  const admin = role(account, 'AWSReservedSSO_IdentityAdministrators_0123456789abcdef');
  const pipeline = role(account, 'ssm-session-kit-identity-center-deploy');
  // ("Actions, resources, and condition keys for AWS IAM Identity Center") a permission set's tags are
  // aws:ResourceTag keys of its requests; the project's carry ManagedBy through the provider's default tags.
  const request = (principal: string, action: string, resource: string, tags: Record<string, string>) => decide({
    principal, action, resource, resourceAccount: account,
    identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }],
    scps,
    context: Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
  });
  const ours = { ManagedBy: 'ssm-session-kit' };
  const moves: [string, string][] = [
    ['sso:DeletePermissionsBoundaryFromPermissionSet', permissionSet], ['sso:PutInlinePolicyToPermissionSet', permissionSet],
    ['sso:AttachManagedPolicyToPermissionSet', permissionSet], ['sso:CreateAccountAssignment', permissionSet], ['sso:UntagResource', permissionSet],
  ];

  it("refuses changing the project's permission sets, their boundary, policies, assignments or tags, and the run-as attribute", async () => {
    for (const [action, resource] of moves) {
      expect({ action, decision: await request(admin, action, resource, ours) }).toEqual({ action, decision: 'ExplicitlyDenied' });
    }
    expect(await request(admin, 'sso:UpdateInstanceAccessControlAttributeConfiguration', instance, {})).toBe('ExplicitlyDenied');
  });

  it("leaves them to Identity Center's pipeline, and other permission sets to their administrators", async () => {
    for (const [action, resource] of moves) expect({ action, decision: await request(pipeline, action, resource, ours) }).toEqual({ action, decision: 'Allowed' });
    expect(await request(pipeline, 'sso:UpdateInstanceAccessControlAttributeConfiguration', instance, {})).toBe('Allowed');
    expect(await request(admin, 'sso:PutInlinePolicyToPermissionSet', permissionSet, { ManagedBy: 'finance-team' })).toBe('Allowed');
  });
});
