import { StackValidation } from '../scripts/lib/offline-validation';
import { shippedPlans } from './support/shipped-plans';
import { ALLOW_EVERYTHING, decide, ResolvedPlan } from './iam-evaluation';
import type { PolicyJson } from '../scripts/lib/iam-decide';

/** Session documents of one's own and tags that grant access, against every guardrail delivery, on the resolved policies. */

// Real Terraform plans with the real AWS provider: minutes on a cold plugin cache.
jest.setTimeout(10 * 60_000);

let results: StackValidation[];
beforeAll(async () => {
  ({ results } = await shippedPlans());
});

/** In a describe: dev's policies by name, and the organization's SCPs, from the resolved plans. */
function devGuardrails(): { named: (name: string) => PolicyJson; scps: () => PolicyJson[] } {
  let plan: ResolvedPlan;
  let scps: PolicyJson[];
  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === 'dev')!.planFile!);
    scps = new ResolvedPlan(results.find((r) => r.stack === 'organization')!.planFile!).scps();
  });
  return { named: (name) => plan.managedPolicy(name), scps: () => scps };
}

describe('no unrecorded shell: custom session documents against every guardrail delivery, on the resolved policies', () => {
  const account = '111111111111';
  const admin = `arn:aws:iam::${account}:role/AWSReservedSSO_Administrators_dev`;
  const pipeline = `arn:aws:iam::${account}:role/ssm-session-kit-deploy`;
  const document = (name: string) => `arn:aws:ssm:eu-west-1:${account}:document/${name}`;
  const instance = `arn:aws:ec2:eu-west-1:${account}:instance/i-0123456789abcdef0`;
  const { named, scps } = devGuardrails();
  type Delivery = 'deny policy' | 'boundary' | 'SCP';
  const request = (principal: string, delivery: Delivery | undefined, action: string, resource: string, context: Record<string, string> = {}) => decide({
    principal, action, resource, resourceAccount: account,
    identityPolicies: [
      { name: 'AdministratorAccess', policy: ALLOW_EVERYTHING },
      ...(delivery === 'deny policy' ? [{ name: 'guardrail', policy: named('ssm-session-kit-dev-audit-trail-guardrail') }] : []),
    ],
    permissionBoundary: delivery === 'boundary' ? named('ssm-session-kit-dev-permissions-boundary') : undefined,
    scps: delivery === 'SCP' ? scps() : undefined,
    context: { 'aws:PrincipalArn': principal, ...context },
  });

  it.each<Delivery>(['deny policy', 'boundary', 'SCP'])('refuses an administrator under the %s a session with a document of their own, and creating one', async (delivery) => {
    expect(await request(admin, delivery, 'ssm:StartSession', document('NoLogShell'))).toBe('ExplicitlyDenied');
    expect(await request(admin, delivery, 'ssm:CreateDocument', document('NoLogShell'), { 'ssm:DocumentType': 'Session' })).toBe('ExplicitlyDenied');
  });

  it.each<Delivery>(['deny policy', 'boundary', 'SCP'])('leaves the preferences document, the declared forwarding documents and the targets to an administrator under the %s', async (delivery) => {
    expect(await request(admin, delivery, 'ssm:StartSession', document('SSM-SessionManagerRunShell'))).toBe('Allowed');
    expect(await request(admin, delivery, 'ssm:StartSession', document('ssm-session-kit-dev-forward-db.internal.example-5432'))).toBe('Allowed');
    // A document of the same name shared from another account is not the pipeline's (the SCP, naming
    // no account, does not tell them apart).
    if (delivery !== 'SCP') {
      const shared = `arn:aws:ssm:eu-west-1:999999999999:document/ssm-session-kit-dev-forward-8080`;
      expect(await request(admin, delivery, 'ssm:StartSession', shared)).toBe('ExplicitlyDenied');
    }
    // No group of the shipped config opted into AWS's forwarding documents: any port, 22 included.
    expect(await request(admin, delivery, 'ssm:StartSession', document('AWS-StartPortForwardingSession'))).toBe('ExplicitlyDenied');
    expect(await request(admin, delivery, 'ssm:StartSession', instance)).toBe('Allowed');
    // Documents of other types (Command, Automation) stay theirs to create.
    expect(await request(admin, delivery, 'ssm:CreateDocument', document('PatchNow'), { 'ssm:DocumentType': 'Command' })).toBe('Allowed');
  });

  it('leaves the pipeline free to change the preferences document under the SCP', async () => {
    expect(await request(pipeline, 'SCP', 'ssm:UpdateDocument', document('SSM-SessionManagerRunShell'), { 'ssm:DocumentType': 'Session' })).toBe('Allowed');
    expect(await request(pipeline, 'SCP', 'ssm:StartSession', document('NoLogShell'))).toBe('Allowed');
  });
});

describe('tags that grant access, against the deny policy and the SCP, on the resolved policies', () => {
  const account = '111111111111';
  const region = 'eu-west-1';
  const admin = `arn:aws:iam::${account}:role/AWSReservedSSO_Administrators_dev`;
  const pipeline = `arn:aws:iam::${account}:role/ssm-session-kit-deploy`;
  // An instance outside the environment (no Environment tag): tagging it in would put it in a group's reach.
  const stranger = `arn:aws:ec2:${region}:${account}:instance/i-0fedcba9876543210`;
  const node = `arn:aws:ssm:${region}:${account}:managed-instance/mi-0123456789abcdef0`;
  const someRole = `arn:aws:iam::${account}:role/AWSReservedSSO_Developers_dev`;
  const { named, scps } = devGuardrails();
  type Delivery = 'deny policy' | 'boundary' | 'SCP';
  /**
   * A tagging request as AWS authorizes it ("Controlling access to AWS resources using tags", IAM User
   * Guide): `aws:TagKeys` lists the keys in the request, `aws:RequestTag/<key>` each value set.
   */
  const tag = (principal: string, delivery: Delivery, grants: PolicyJson, action: string, resource: string, tags: Record<string, string>) => decide({
    principal, action, resource, resourceAccount: account,
    identityPolicies: [
      { name: 'granted', policy: grants },
      ...(delivery === 'deny policy' ? ['audit-trail', 'recording-path', 'instances'].map((p) => `ssm-session-kit-dev-${p}-guardrail`).map((n) => ({ name: n, policy: named(n) })) : []),
    ],
    permissionBoundary: delivery === 'boundary' ? named('ssm-session-kit-dev-permissions-boundary') : undefined,
    scps: delivery === 'SCP' ? scps() : undefined,
    context: {
      'aws:PrincipalArn': principal, 'aws:TagKeys': Object.keys(tags),
      ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    },
  });
  const ec2All: PolicyJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ec2:*', 'ssm:*', 'iam:*'], Resource: '*' }] };

  // A role the project bounds (the instance role, a group's created role) granted ec2:*, ssm:*, iam:* later.
  it.each<Delivery>(['deny policy', 'boundary', 'SCP'])('refuses an administrator or bounded role under the %s tagging an instance or node into a group, and any run-as user on a role', async (delivery) => {
    for (const grants of [ALLOW_EVERYTHING, ec2All]) {
      expect(await tag(admin, delivery, grants, 'ec2:CreateTags', stranger, { Environment: 'dev', AccessGroup: 'developers' })).toBe('ExplicitlyDenied');
      expect(await tag(admin, delivery, grants, 'ec2:CreateTags', stranger, { Team: 'platform' })).toBe('ExplicitlyDenied');
      expect(await tag(admin, delivery, grants, 'ec2:DeleteTags', stranger, { Team: 'platform' })).toBe('ExplicitlyDenied');
      expect(await tag(admin, delivery, grants, 'ssm:AddTagsToResource', node, { AccessGroup: 'operators' })).toBe('ExplicitlyDenied');
      expect(await tag(admin, delivery, grants, 'iam:TagRole', someRole, { SSMSessionRunAs: 'ec2-user' })).toBe('ExplicitlyDenied');
      expect(await tag(admin, delivery, grants, 'iam:UntagRole', someRole, { SSMSessionRunAs: '' })).toBe('ExplicitlyDenied');
      // Other tags stay theirs.
      expect(await tag(admin, delivery, grants, 'ec2:CreateTags', stranger, { Name: 'build-box' })).toBe('Allowed');
      expect(await tag(admin, delivery, grants, 'iam:TagRole', someRole, { CostCenter: 'eng' })).toBe('Allowed');
    }
  });

  it('leaves the access tags to the pipeline under the SCP (the deny policy is never attached to it)', async () => {
    expect(await tag(pipeline, 'SCP', ALLOW_EVERYTHING, 'ec2:CreateTags', stranger, { Environment: 'dev', AccessGroup: 'developers' })).toBe('Allowed');
    expect(await tag(pipeline, 'SCP', ALLOW_EVERYTHING, 'iam:TagRole', someRole, { SSMSessionRunAs: 'ssm-operator' })).toBe('Allowed');
  });

  it("refuses launching an instance with the environment's instance role to anyone but the pipeline", async () => {
    const instanceRole = `arn:aws:iam::${account}:role/ssm-session-kit-dev-instance`;
    const pass = (principal: string, delivery: Delivery) => decide({
      principal, action: 'iam:PassRole', resource: instanceRole, resourceAccount: account,
      identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING },
        ...(delivery === 'deny policy' ? [{ name: 'recording', policy: named('ssm-session-kit-dev-recording-path-guardrail') }] : [])],
      scps: delivery === 'SCP' ? scps() : undefined,
      context: { 'aws:PrincipalArn': principal, 'iam:PassedToService': 'ec2.amazonaws.com' },
    });
    expect(await pass(admin, 'deny policy')).toBe('ExplicitlyDenied');
    expect(await pass(admin, 'SCP')).toBe('ExplicitlyDenied');
    expect(await pass(pipeline, 'SCP')).toBe('Allowed');
  });
});
