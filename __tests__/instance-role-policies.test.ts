import { StackValidation } from '../scripts/lib/offline-validation';
import { shippedPlans } from './support/shipped-plans';
import { SESSION_MANAGER_AGENT_ACTIONS } from '../modules/iam-ssm-role';
import { loadConfig } from '../config/load';
import { decide, ResolvedPlan } from './iam-evaluation';

/** The instance roles and the Default Host Management role, their resolved policies evaluated by the IAM engine. */

// Real Terraform plans with the real AWS provider: minutes on a cold plugin cache.
jest.setTimeout(10 * 60_000);

let results: StackValidation[];
beforeAll(async () => {
  ({ results } = await shippedPlans());
});

describe.each([
  ['dev', '111111111111', 'acme-ssm-sessions-dev-111111111111'],
  ['prod', '333333333333', 'acme-ssm-sessions-prod-333333333333'],
])("the %s instance role's resolved policies, evaluated", (env, account, bucket) => {
  let plan: ResolvedPlan;
  let role: string;
  let logGroup: string;
  let key: string;
  let otherKey: string;

  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === env)!.planFile!);
    role = plan.one('aws_iam_role', (v) => v.name === `ssm-session-kit-${env}-instance`).values.arn;
    const region = env === 'prod' ? 'eu-central-1' : 'eu-west-1';
    logGroup = `arn:aws:logs:${region}:${account}:log-group:/ssm-session-kit/${env}/sessions`;
    key = plan.sessionKey().values.arn;
    otherKey = key.replace(/key\/.*$/, 'key/00000000-1111-4222-8333-444444444444');
  });

  const asInstance = (action: string, resource: string, extra: { resourcePolicy?: any; context?: any; endpointPolicy?: any } = {}) =>
    decide({
      principal: role,
      action,
      resource,
      resourceAccount: account,
      identityPolicies: plan.rolePolicies(`ssm-session-kit-${env}-instance`),
      ...extra,
    });
  const bucketPolicy = () => plan.policy(plan.one('aws_s3_bucket_policy'));
  const keyPolicy = () => plan.policy(plan.sessionKey());

  it('resolves the role ARN and the key ARN to realistic values', () => {
    expect(role).toBe(`arn:aws:iam::${account}:role/ssm-session-kit-${env}-instance`);
    expect(key).toMatch(new RegExp(`^arn:aws:kms:eu-(west|central)-1:${account}:key/[0-9a-f-]{36}$`));
  });

  it('may put session logs under the prefix, over TLS', async () => {
    const object = `arn:aws:s3:::${bucket}/sessions/i-0123456789abcdef0/alice-0a1b2c3d.log`;
    expect(await asInstance('s3:PutObject', object, { resourcePolicy: bucketPolicy(), context: { 's3:TlsVersion': '1.3' } })).toBe('Allowed');
    expect(await asInstance('s3:GetEncryptionConfiguration', `arn:aws:s3:::${bucket}`, { resourcePolicy: bucketPolicy() })).toBe('Allowed');
  });

  it('may not write without TLS, outside the prefix, or to another bucket', async () => {
    const object = `arn:aws:s3:::${bucket}/sessions/x.log`;
    expect(await asInstance('s3:PutObject', object, { resourcePolicy: bucketPolicy(), context: { 'aws:SecureTransport': 'false' } })).toBe('ExplicitlyDenied');
    expect(await asInstance('s3:PutObject', `arn:aws:s3:::${bucket}/elsewhere/x.log`, { resourcePolicy: bucketPolicy() })).toBe('ImplicitlyDenied');
    expect(await asInstance('s3:PutObject', 'arn:aws:s3:::another-bucket/sessions/x.log')).toBe('ImplicitlyDenied');
    expect(await asInstance('s3:GetObject', 'arn:aws:s3:::another-bucket/secrets.txt')).toBe('ImplicitlyDenied');
  });

  it('may not read, delete or re-configure the session logs', async () => {
    const object = `arn:aws:s3:::${bucket}/sessions/x.log`;
    // Denied: implicitly by the role's policies, explicitly where the bucket policy's guardrail also applies.
    for (const action of ['s3:GetObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention']) {
      expect(await asInstance(action, object, { resourcePolicy: bucketPolicy() })).toMatch(/^(Implicitly|Explicitly)Denied$/);
    }
    for (const action of ['s3:PutBucketPolicy', 's3:PutLifecycleConfiguration', 's3:DeleteBucket']) {
      expect(await asInstance(action, `arn:aws:s3:::${bucket}`, { resourcePolicy: bucketPolicy() })).toMatch(/^(Implicitly|Explicitly)Denied$/);
    }
  });

  if (env === 'prod') {
    it("records through the VPC endpoints' policies, which refuse nothing the agent does; an upload-only Deny would", async () => {
      // The agent's own calls ("Create a custom IAM instance profile for Session Manager": the bucket's
      // encryption check, the upload, the stream, the key), each through the endpoint of its service.
      const endpoints = plan.all('aws_vpc_endpoint');
      const policyOf = (service: string) => JSON.parse(endpoints.find((e) => e.values.service_name === `com.amazonaws.eu-central-1.${service}`)!.values.policy);
      const object = `arn:aws:s3:::${bucket}/sessions/i-0123456789abcdef0/alice-0a1b2c3d.log`;
      const stream = `${logGroup}:log-stream:alice-0a1b2c3d`;
      const calls: [string, string, string, { resourcePolicy?: any; context?: any }][] = [
        ['s3', 's3:GetEncryptionConfiguration', `arn:aws:s3:::${bucket}`, { resourcePolicy: bucketPolicy() }],
        ['s3', 's3:PutObject', object, { resourcePolicy: bucketPolicy(), context: { 's3:TlsVersion': '1.3' } }],
        ['logs', 'logs:PutLogEvents', stream, {}],
        ['kms', 'kms:GenerateDataKey', key, { resourcePolicy: keyPolicy() }],
      ];
      expect(endpoints.map((e) => e.values.service_name.split('.').pop()).sort()).toEqual(['kms', 'logs', 's3', 'ssm', 'ssmmessages']);
      for (const [service, action, resource, extra] of calls) {
        expect({ action, decision: await asInstance(action, resource, { ...extra, endpointPolicy: policyOf(service) }) }).toEqual({ action, decision: 'Allowed' });
      }
      // The move the guardrails now refuse (ec2:ModifyVpcEndpoint): a policy that denies the uploads only.
      const uploadsRefused = { Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
        { Effect: 'Deny', Principal: '*', Action: ['s3:PutObject', 'logs:PutLogEvents'], Resource: '*' },
      ] };
      expect(await asInstance('s3:GetEncryptionConfiguration', `arn:aws:s3:::${bucket}`, { resourcePolicy: bucketPolicy(), endpointPolicy: uploadsRefused })).toBe('Allowed');
      expect(await asInstance('s3:PutObject', object, { resourcePolicy: bucketPolicy(), context: { 's3:TlsVersion': '1.3' }, endpointPolicy: uploadsRefused })).toBe('ExplicitlyDenied');
      expect(await asInstance('logs:PutLogEvents', stream, { endpointPolicy: uploadsRefused })).toBe('ExplicitlyDenied');
    });
  }

  it('may stream to the session log group only, and not delete it', async () => {
    const stream = `${logGroup}:log-stream:alice-0a1b2c3d`;
    expect(await asInstance('logs:CreateLogStream', stream)).toBe('Allowed');
    expect(await asInstance('logs:PutLogEvents', stream)).toBe('Allowed');
    expect(await asInstance('logs:PutLogEvents', logGroup.replace(/sessions$/, 'other') + ':log-stream:x')).toBe('ImplicitlyDenied');
    expect(await asInstance('logs:DeleteLogGroup', logGroup)).toBe('ImplicitlyDenied');
    expect(await asInstance('logs:DeleteLogStream', stream)).toBe('ImplicitlyDenied');
    expect(await asInstance('logs:PutRetentionPolicy', logGroup)).toBe('ImplicitlyDenied');
  });

  it('may use the session key to decrypt and encrypt, and nothing more', async () => {
    expect(await asInstance('kms:Decrypt', key, { resourcePolicy: keyPolicy() })).toBe('Allowed');
    expect(await asInstance('kms:GenerateDataKey', key, { resourcePolicy: keyPolicy() })).toBe('Allowed');
    expect(await asInstance('kms:Decrypt', otherKey)).toBe('ImplicitlyDenied');
    for (const action of ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy']) {
      expect(await asInstance(action, key, { resourcePolicy: keyPolicy() })).toMatch(/^(Implicitly|Explicitly)Denied$/);
    }
  });
});

describe.each(loadConfig().environments.filter((e) => e.defaultHostManagement).map((e) => [e.name, e] as const))(
  "the %s Default Host Management role's resolved policies, evaluated",
  (_name, env) => {
    // Its managed policy, AmazonSSMManagedEC2InstanceDefaultPolicy, grants Systems Manager's core calls
    // only ("AWS managed policies for AWS Systems Manager"): no S3, CloudWatch Logs or KMS action, so the
    // session-logging decisions below are the inline policy's and the resource policies'.
    const roleName = `ssm-session-kit-${env.name}-default-host-management`;
    const role = `arn:aws:iam::${env.accountId}:role/service-role/${roleName}`;
    const bucket = `arn:aws:s3:::${env.sessionLogging.bucketName}`;
    const logGroup = `arn:aws:logs:${env.region}:${env.accountId}:log-group:/ssm-session-kit/${env.name}/sessions`;
    let plan: ResolvedPlan;
    beforeAll(() => {
      plan = new ResolvedPlan(results.find((r) => r.stack === env.name)!.planFile!);
    });
    const asRole = (action: string, resource: string, resourcePolicy?: any, context: Record<string, string> = {}) => decide({
      principal: role, action, resource, resourceAccount: env.accountId,
      identityPolicies: plan.inlinePolicies(roleName), permissionBoundary: plan.policy(plan.one('aws_iam_policy', (v) => v.name === `ssm-session-kit-${env.name}-permissions-boundary`)),
      resourcePolicy, context,
    });
    const bucketPolicy = () => plan.policy(plan.one('aws_s3_bucket_policy'));
    const keyPolicy = () => plan.policy(plan.sessionKey());

    it('carries the guardrail boundary', () => {
      expect(plan.one('aws_iam_role', (v) => v.name === roleName).values.permissions_boundary).toMatch(new RegExp(`:policy/ssm-session-kit-${env.name}-permissions-boundary$`));
    });

    it('may write session logs under the prefix over TLS, stream them, and use the session key', async () => {
      expect(await asRole('s3:PutObject', `${bucket}/sessions/i-0123456789abcdef0/alice-0a1b2c3d.log`, bucketPolicy(), { 's3:TlsVersion': '1.3' })).toBe('Allowed');
      expect(await asRole('s3:GetEncryptionConfiguration', bucket, bucketPolicy())).toBe('Allowed');
      expect(await asRole('logs:CreateLogStream', `${logGroup}:log-stream:alice-0a1b2c3d`)).toBe('Allowed');
      expect(await asRole('logs:PutLogEvents', `${logGroup}:log-stream:alice-0a1b2c3d`)).toBe('Allowed');
      const key = plan.sessionKey().values.arn;
      expect(await asRole('kms:Decrypt', key, keyPolicy())).toBe('Allowed');
      expect(await asRole('kms:GenerateDataKey', key, keyPolicy())).toBe('Allowed');
    });

    it('may not write elsewhere, without TLS, or delete anything', async () => {
      expect(await asRole('s3:PutObject', 'arn:aws:s3:::another-bucket/sessions/x.log')).toBe('ImplicitlyDenied');
      expect(await asRole('s3:PutObject', `${bucket}/elsewhere/x.log`, bucketPolicy())).toBe('ImplicitlyDenied');
      expect(await asRole('s3:PutObject', `${bucket}/sessions/x.log`, bucketPolicy(), { 'aws:SecureTransport': 'false' })).toBe('ExplicitlyDenied');
      expect(await asRole('logs:PutLogEvents', `arn:aws:logs:${env.region}:${env.accountId}:log-group:/app/web:log-stream:x`)).toBe('ImplicitlyDenied');
      expect(await asRole('s3:DeleteObject', `${bucket}/sessions/x.log`, bucketPolicy())).toMatch(/^(Implicitly|Explicitly)Denied$/);
      expect(await asRole('logs:DeleteLogGroup', logGroup)).toMatch(/^(Implicitly|Explicitly)Denied$/);
    });
  },
);

describe("prod's minimal instance role, on the resolved policies", () => {
  const account = '333333333333';
  const role = `arn:aws:iam::${account}:role/ssm-session-kit-prod-instance`;
  let plan: ResolvedPlan;
  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === 'prod')!.planFile!);
  });
  const asInstance = (action: string, resource: string) => decide({
    principal: role, action, resource, resourceAccount: account, identityPolicies: plan.rolePolicies('ssm-session-kit-prod-instance'),
  });

  it('carries no AmazonSSMManagedInstanceCore, only the Session Manager actions', () => {
    expect(plan.all('aws_iam_role_policy_attachment').filter((a) => a.values.role === 'ssm-session-kit-prod-instance')).toEqual([]);
    const statements = plan.policy(plan.one('aws_iam_role_policy', (v) => v.role === 'ssm-session-kit-prod-instance' && v.name === 'session-manager')).Statement;
    expect(statements).toEqual([{ Sid: 'ServeSessions', Effect: 'Allow', Action: [...SESSION_MANAGER_AGENT_ACTIONS], Resource: '*' }]);
  });

  it('may register and open the session channels', async () => {
    expect(await asInstance('ssm:UpdateInstanceInformation', `arn:aws:ec2:eu-central-1:${account}:instance/i-0123456789abcdef0`)).toBe('Allowed');
    for (const action of ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel']) {
      expect({ action, decision: await asInstance(action, '*') }).toEqual({ action, decision: 'Allowed' });
    }
  });

  it('may not read a parameter, a secret, another bucket, or take Run Command messages', async () => {
    expect(await asInstance('ssm:GetParameter', `arn:aws:ssm:eu-central-1:${account}:parameter/prod/db/password`)).toBe('ImplicitlyDenied');
    expect(await asInstance('ssm:GetParameters', `arn:aws:ssm:eu-central-1:${account}:parameter/prod/db/password`)).toBe('ImplicitlyDenied');
    expect(await asInstance('secretsmanager:GetSecretValue', `arn:aws:secretsmanager:eu-central-1:${account}:secret:prod/db-0a1b2c`)).toBe('ImplicitlyDenied');
    expect(await asInstance('s3:GetObject', 'arn:aws:s3:::acme-data-prod/export.csv')).toBe('ImplicitlyDenied');
    expect(await asInstance('ec2messages:GetMessages', '*')).toBe('ImplicitlyDenied');
  });
});
