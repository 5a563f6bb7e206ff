import { StackValidation } from '../scripts/lib/offline-validation';
import { shippedPlans } from './support/shipped-plans';
import { PROTECTED_ACTIONS } from '../modules/guardrails';
import { ALLOW_EVERYTHING, decide, ResolvedPlan } from './iam-evaluation';

/** The guardrails' resolved policies (deny policy, boundary, resource policies, SCP) evaluated by the IAM engine. */

// Real Terraform plans with the real AWS provider: minutes on a cold plugin cache.
jest.setTimeout(10 * 60_000);

let results: StackValidation[];
beforeAll(async () => {
  ({ results } = await shippedPlans());
});

describe('guardrails, their resolved policies evaluated', () => {
  const account = '111111111111';
  const admin = `arn:aws:iam::${account}:role/AWSReservedSSO_Administrators_dev`;
  const pipeline = `arn:aws:iam::${account}:role/ssm-session-kit-deploy`;
  let plan: ResolvedPlan;
  let trail: { document: string; logGroup: string; bucket: string; key: string };

  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === 'dev')!.planFile!);
    trail = {
      document: `arn:aws:ssm:eu-west-1:${account}:document/SSM-SessionManagerRunShell`,
      logGroup: `arn:aws:logs:eu-west-1:${account}:log-group:/ssm-session-kit/dev/sessions`,
      bucket: 'arn:aws:s3:::acme-ssm-sessions-dev-111111111111',
      key: plan.sessionKey().values.arn,
    };
  });

  const guardrailPolicy = () => plan.policy(plan.one('aws_iam_policy', (v) => v.name === 'ssm-session-kit-dev-audit-trail-guardrail'));
  const boundary = () => plan.policy(plan.one('aws_iam_policy', (v) => v.name === 'ssm-session-kit-dev-permissions-boundary'));
  const resourcePolicyFor = (resource: string) =>
    resource.startsWith('arn:aws:s3') ? plan.policy(plan.one('aws_s3_bucket_policy'))
    : resource.startsWith('arn:aws:kms') ? plan.policy(plan.sessionKey())
    : undefined;
  const protectedRequests = (): [string, string][] => [
    ['ssm:UpdateDocument', trail.document], ['ssm:DeleteDocument', trail.document], ['ssm:CreateDocument', trail.document],
    ['ssm:UpdateDocumentDefaultVersion', trail.document],
    ['logs:DeleteLogGroup', trail.logGroup], ['logs:PutRetentionPolicy', trail.logGroup], ['logs:DisassociateKmsKey', trail.logGroup],
    ['logs:DeleteLogStream', `${trail.logGroup}:log-stream:alice-0a1b`], ['logs:PutSubscriptionFilter', trail.logGroup],
    ['s3:DeleteObject', `${trail.bucket}/sessions/x.log`], ['s3:DeleteObjectVersion', `${trail.bucket}/sessions/x.log`],
    ['s3:PutBucketPolicy', trail.bucket], ['s3:DeleteBucketPolicy', trail.bucket], ['s3:PutEncryptionConfiguration', trail.bucket],
    ['s3:PutBucketVersioning', trail.bucket], ['s3:PutLifecycleConfiguration', trail.bucket],
    ['s3:PutBucketObjectLockConfiguration', trail.bucket], ['s3:PutBucketPublicAccessBlock', trail.bucket],
    ['kms:DisableKey', trail.key], ['kms:ScheduleKeyDeletion', trail.key], ['kms:PutKeyPolicy', trail.key],
  ];
  const asAdmin = (action: string, resource: string, identityPolicies: { name: string; policy: any }[]) =>
    decide({ principal: admin, action, resource, resourceAccount: account, identityPolicies, resourcePolicy: resourcePolicyFor(resource) });

  it('denies an administrator with AdministratorAccess every protected action', async () => {
    const identity = [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }, { name: 'guardrail', policy: guardrailPolicy() }];
    for (const [action, resource] of protectedRequests()) {
      expect({ action, decision: await asAdmin(action, resource, identity) }).toEqual({ action, decision: 'ExplicitlyDenied' });
    }
  });

  it('denies log deletion, bucket policy changes and key deletion to any administrator through the resource policies alone', async () => {
    const identity = [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }];
    for (const [action, resource] of [
      ['s3:DeleteObject', `${trail.bucket}/sessions/x.log`], ['s3:DeleteObjectVersion', `${trail.bucket}/sessions/x.log`],
      ['s3:PutBucketPolicy', trail.bucket], ['s3:DeleteBucketPolicy', trail.bucket],
      ['kms:DisableKey', trail.key], ['kms:ScheduleKeyDeletion', trail.key],
    ]) {
      expect({ action, decision: await asAdmin(action, resource, identity) }).toEqual({ action, decision: 'ExplicitlyDenied' });
    }
  });

  it('lets the pipeline role change what the resource policies protect', async () => {
    for (const [action, resource] of [
      ['s3:PutBucketPolicy', trail.bucket], ['s3:DeleteObject', `${trail.bucket}/sessions/x.log`], ['kms:DisableKey', trail.key],
    ]) {
      expect(await decide({
        principal: pipeline, action, resource, resourceAccount: account,
        identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }],
        resourcePolicy: resourcePolicyFor(resource),
        context: { 'aws:PrincipalArn': pipeline },
      })).toBe('Allowed');
    }
  });

  it('bounds the engineer roles it creates, which cannot lift their boundary', async () => {
    const role = plan.one('aws_iam_role', (v) => v.name === 'ssm-session-kit-dev-operators');
    expect(role.values.permissions_boundary).toMatch(/:policy\/ssm-session-kit-dev-permissions-boundary$/);
    const engineer = `arn:aws:iam::${account}:role/ssm-session-kit-dev-operators`;
    const asEngineer = (action: string, resource: string, identity = plan.policy(plan.one('aws_iam_policy', (v) => v.name === 'ssm-session-kit-dev-operators'))) =>
      decide({ principal: engineer, action, resource, resourceAccount: account, identityPolicies: [{ name: 'granted', policy: identity }], permissionBoundary: boundary(), resourcePolicy: resourcePolicyFor(resource) });
    // Ordinary session use is unaffected.
    expect(await decide({
      principal: engineer, action: 'ssm:StartSession', resource: `arn:aws:ec2:eu-west-1:${account}:instance/i-0123456789abcdef0`, resourceAccount: account,
      identityPolicies: [{ name: 'operators', policy: plan.policy(plan.one('aws_iam_policy', (v) => v.name === 'ssm-session-kit-dev-operators')) }],
      permissionBoundary: boundary(),
      context: { 'ssm:resourceTag/Environment': 'dev', 'ssm:resourceTag/Team': 'platform', 'ssm:SessionDocumentAccessCheck': 'true', 'aws:MultiFactorAuthPresent': 'true' },
    })).toBe('Allowed');
    // Even granted everything, the boundary keeps the audit trail and itself.
    expect(await asEngineer('iam:DeleteRolePermissionsBoundary', engineer, ALLOW_EVERYTHING)).toBe('ExplicitlyDenied');
    expect(await asEngineer('iam:CreatePolicyVersion', `arn:aws:iam::${account}:policy/ssm-session-kit-dev-permissions-boundary`, ALLOW_EVERYTHING)).toBe('ExplicitlyDenied');
    expect(await asEngineer('logs:DeleteLogGroup', trail.logGroup, ALLOW_EVERYTHING)).toBe('ExplicitlyDenied');
    expect(await asEngineer('ssm:UpdateDocument', trail.document, ALLOW_EVERYTHING)).toBe('ExplicitlyDenied');
  });

  it('the organization SCP denies administrators and lets the pipeline through', async () => {
    const scps = new ResolvedPlan(results.find((r) => r.stack === 'organization')!.planFile!).scps();
    const request = (principal: string, action: string, resource: string, extra: Record<string, string> = {}) => decide({
      principal, action, resource, resourceAccount: account,
      identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }],
      resourcePolicy: resourcePolicyFor(resource),
      scps,
      context: { 'aws:PrincipalArn': principal, ...extra },
    });
    expect(await request(admin, 'ssm:UpdateDocument', trail.document)).toBe('ExplicitlyDenied');
    expect(await request(admin, 'logs:DeleteLogGroup', trail.logGroup)).toBe('ExplicitlyDenied');
    expect(await request(admin, 's3:PutBucketPolicy', trail.bucket)).toBe('ExplicitlyDenied');
    expect(await request(admin, 'kms:ScheduleKeyDeletion', trail.key, { 'aws:ResourceTag/ssm-session-kit:audit-trail': 'true' })).toBe('ExplicitlyDenied');
    expect(await request(pipeline, 'ssm:UpdateDocument', trail.document)).toBe('Allowed');
    expect(await request(pipeline, 'logs:PutRetentionPolicy', trail.logGroup)).toBe('Allowed');
    expect(await request(pipeline, 'kms:ScheduleKeyDeletion', trail.key, { 'aws:ResourceTag/ssm-session-kit:audit-trail': 'true' })).toBe('Allowed');
    // A log group outside the audit trail is not the SCP's business.
    expect(await request(admin, 'logs:DeleteLogGroup', `arn:aws:logs:eu-west-1:${account}:log-group:/app/web`)).toBe('Allowed');
  });
});

describe.each([
  ['dev', '111111111111', 'eu-west-1', false],
  ['prod', '333333333333', 'eu-central-1', true],
] as const)("a %s administrator's next moves without the SCP, on the resolved policies", (env, account, region, strict) => {
  // AdministratorAccess plus the guardrail deny policy, as attached to the administrators' role.
  const adminRole = `arn:aws:iam::${account}:role/AWSReservedSSO_Administrators_${env}`;
  const pipeline = `arn:aws:iam::${account}:role/ssm-session-kit-deploy`;
  let plan: ResolvedPlan;
  let guardrailArn: string;
  let boundaryArn: string;
  let operatorsRole: string;
  let bucket: string;
  let key: string;

  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === env)!.planFile!);
    guardrailArn = plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${env}-audit-trail-guardrail`).values.arn;
    boundaryArn = plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${env}-permissions-boundary`).values.arn;
    operatorsRole = plan.one('aws_iam_role', (v) => v.name === `ssm-session-kit-${env}-operators`).values.arn;
    bucket = `arn:aws:s3:::acme-ssm-sessions-${env}-${account}`;
    key = plan.sessionKey().values.arn;
  });

  const guardrail = () => plan.policy(plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${env}-audit-trail-guardrail`));
  const resourcePolicyFor = (resource: string) =>
    resource.startsWith('arn:aws:s3') ? plan.policy(plan.one('aws_s3_bucket_policy'))
    : resource.startsWith('arn:aws:kms') ? plan.policy(plan.sessionKey())
    : undefined;
  const as = (principal: string, withGuardrail: boolean) => (action: string, resource: string, context: Record<string, string> = {}) => decide({
    principal, action, resource, resourceAccount: account,
    identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }, ...(withGuardrail ? [{ name: 'guardrail', policy: guardrail() }] : [])],
    resourcePolicy: resourcePolicyFor(resource),
    context: { 'aws:PrincipalArn': principal, ...context },
  });
  const admin = () => as(adminRole, true);

  it('cannot detach, rewrite or delete the guardrail, nor the boundary', async () => {
    for (const policyArn of [guardrailArn, boundaryArn]) {
      expect(await admin()('iam:DetachRolePolicy', adminRole, { 'iam:PolicyARN': policyArn })).toBe('ExplicitlyDenied');
      expect(await admin()('iam:DetachGroupPolicy', `arn:aws:iam::${account}:group/Administrators`, { 'iam:PolicyARN': policyArn })).toBe('ExplicitlyDenied');
      expect(await admin()('iam:DetachUserPolicy', `arn:aws:iam::${account}:user/admin`, { 'iam:PolicyARN': policyArn })).toBe('ExplicitlyDenied');
      for (const action of ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicyVersion', 'iam:DeletePolicy']) {
        expect({ action, decision: await admin()(action, policyArn) }).toEqual({ action, decision: 'ExplicitlyDenied' });
      }
    }
    // Other policies stay theirs to manage.
    expect(await admin()('iam:DetachRolePolicy', adminRole, { 'iam:PolicyARN': `arn:aws:iam::${account}:policy/team-tools` })).toBe('Allowed');
  });

  it('cannot lift or replace the boundary of a role that carries it', async () => {
    expect(await admin()('iam:DeleteRolePermissionsBoundary', operatorsRole, { 'iam:PermissionsBoundary': boundaryArn })).toBe('ExplicitlyDenied');
    expect(await admin()('iam:PutRolePermissionsBoundary', operatorsRole, { 'iam:PermissionsBoundary': `arn:aws:iam::${account}:policy/lenient` })).toBe('ExplicitlyDenied');
  });

  it(strict ? 'cannot mint a role without the boundary, nor re-trust a bounded one (strict)' : 'can still mint a role without the boundary (not strict)', async () => {
    const newRole = `arn:aws:iam::${account}:role/escape-hatch`;
    expect(await admin()('iam:CreateRole', newRole)).toBe(strict ? 'ExplicitlyDenied' : 'Allowed');
    expect(await admin()('iam:CreateRole', newRole, { 'iam:PermissionsBoundary': boundaryArn })).toBe('Allowed');
    expect(await admin()('iam:UpdateAssumeRolePolicy', operatorsRole, { 'iam:PermissionsBoundary': boundaryArn })).toBe(strict ? 'ExplicitlyDenied' : 'Allowed');
  });

  it('with the deny policy gone, is still refused every change to the log bucket and the key by their own policies', async () => {
    const withoutGuardrail = as(adminRole, false);
    const requests: [string, string][] = [
      ...PROTECTED_ACTIONS.logObjects.map((a): [string, string] => [a, `${bucket}/sessions/i-0123456789abcdef0/alice-0a1b2c3d.log`]),
      ...PROTECTED_ACTIONS.logBucket.map((a): [string, string] => [a, bucket]),
      ...PROTECTED_ACTIONS.key.map((a): [string, string] => [a, key]),
    ];
    for (const [action, resource] of requests) {
      expect({ action, decision: await withoutGuardrail(action, resource) }).toEqual({ action, decision: 'ExplicitlyDenied' });
    }
  });

  it('leaves the pipeline able to change all of it, and the writers able to write', async () => {
    // The deny policy is attached to administrators, never to the pipeline (the config refuses it).
    const asPipeline = as(pipeline, false);
    for (const [action, resource] of [['s3:PutLifecycleConfiguration', bucket], ['kms:PutKeyPolicy', key], ['iam:CreatePolicyVersion', guardrailArn]]) {
      expect({ action, decision: await asPipeline(action, resource) }).toEqual({ action, decision: 'Allowed' });
    }
    const instanceRole = `arn:aws:iam::${account}:role/ssm-session-kit-${env}-instance`;
    expect(await decide({
      principal: instanceRole, action: 's3:PutObject', resource: `${bucket}/sessions/x.log`, resourceAccount: account,
      identityPolicies: plan.rolePolicies(`ssm-session-kit-${env}-instance`), resourcePolicy: resourcePolicyFor(bucket),
    })).toBe('Allowed');
    // CloudWatch Logs encrypts the session log group with the key, naming the group in the encryption
    // context ("Encrypt log data in CloudWatch Logs using AWS Key Management Service"). The engine drops
    // kms:EncryptionContext keys, so it cannot allow the key policy's statement for the service (checked
    // in the synthesized policy instead); what it shows is that no deny of the guardrail's reaches it.
    const logGroup = `arn:aws:logs:${region}:${account}:log-group:/ssm-session-kit/${env}/sessions`;
    for (const action of ['kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt']) {
      expect({ action, decision: await decide({
        principal: `logs.${region}.amazonaws.com`, action, resource: key, resourceAccount: account,
        identityPolicies: [], resourcePolicy: resourcePolicyFor(key), context: { 'kms:EncryptionContext:aws:logs:arn': logGroup },
      }) }).not.toEqual({ action, decision: 'ExplicitlyDenied' });
    }
  });
});
