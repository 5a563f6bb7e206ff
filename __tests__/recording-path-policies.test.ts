import { StackValidation } from '../scripts/lib/offline-validation';
import { shippedPlans } from './support/shipped-plans';
import { instanceTags, reachableInstances } from '../config/access';
import { loadConfig } from '../config/load';
import { ALLOW_EVERYTHING, decide, ResolvedPlan } from './iam-evaluation';
import type { PolicyJson } from '../scripts/lib/iam-decide';

/** The recording path against an insider's next moves, on the resolved policies. */

// Real Terraform plans with the real AWS provider: minutes on a cold plugin cache.
jest.setTimeout(10 * 60_000);

let results: StackValidation[];
beforeAll(async () => {
  ({ results } = await shippedPlans());
});

describe.each(['dev', 'prod'])("the recording path against an insider's next moves, in %s, on the resolved policies", (envName) => {
  const env = loadConfig().environments.find((e) => e.name === envName)!;
  const { accountId: account, region } = env;
  const iam = (resource: string) => `arn:aws:iam::${account}:${resource}`;
  const instanceRole = iam(`role/ssm-session-kit-${envName}-instance`);
  const dhmRole = iam(`role/service-role/ssm-session-kit-${envName}-default-host-management`);
  const profile = iam(`instance-profile/ssm-session-kit-${envName}-instance`);
  const instance = `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`;
  const dhmSetting = `arn:aws:ssm:${region}:${account}:servicesetting/ssm/managed-instance/default-ec2-instance-management-role`;
  const admin = iam(`role/AWSReservedSSO_Administrators_${envName}`);
  const engineer = iam(`role/ssm-session-kit-${envName}-operators`);
  const pipeline = env.guardrails.pipelineRoleArn;
  // The instance's own tags, as SsmInstance and the provider's default tags set them; a request on a
  // tagged resource carries them as aws:ResourceTag/<key> ("Controlling access to AWS resources using
  // tags"), and Systems Manager's requests also as ssm:resourceTag/<key>.
  const instanceTagKeys = { 'aws:ResourceTag/Environment': envName, 'aws:ResourceTag/ManagedBy': 'ssm-session-kit', 'ssm:resourceTag/Environment': envName };
  // AWS assigns the endpoints' and the group's ids; any stand for them.
  const endpoint = `arn:aws:ec2:${region}:${account}:vpc-endpoint/vpce-0123456789abcdef0`;
  const securityGroup = `arn:aws:ec2:${region}:${account}:security-group/sg-0123456789abcdef0`;
  const networkTagKeys = { 'aws:ResourceTag/Environment': envName, 'aws:ResourceTag/ManagedBy': 'ssm-session-kit' };
  let plan: ResolvedPlan;
  let scps: PolicyJson[];
  beforeAll(() => {
    plan = new ResolvedPlan(results.find((r) => r.stack === envName)!.planFile!);
    scps = new ResolvedPlan(results.find((r) => r.stack === 'organization')!.planFile!).scps();
  });
  const named = (name: string) => plan.managedPolicy(name);
  const denyPolicies = () => ['audit-trail', 'recording-path', 'instances'].map((p) => `ssm-session-kit-${envName}-${p}-guardrail`)
    .map((name) => ({ name, policy: named(name) }));
  const boundary = () => named(`ssm-session-kit-${envName}-permissions-boundary`);

  /** What each kind of insider holds: the policies IAM evaluates for their requests. */
  const insiders = {
    'administrator with the deny policies': () => ({ principal: admin, identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }, ...denyPolicies()] }),
    'administrator under the SCP': () => ({ principal: admin, identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }], scps }),
    'bounded role granted everything': () => ({ principal: engineer, identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }], permissionBoundary: boundary() }),
    'engineer of an access group': () => ({
      principal: engineer, identityPolicies: [{ name: 'operators', policy: named(`ssm-session-kit-${envName}-operators`) }], permissionBoundary: boundary(), scps,
    }),
  };
  type Move = [string, string, string, Record<string, string | string[]>?];
  // Each move with the condition keys its request carries, from the Service Authorization Reference:
  // iam:PolicyARN on detaching, iam:PermissionsBoundary on boundary calls, iam:PassedToService on
  // PassRole, ec2:Attribute on ModifyInstanceAttribute, aws:TagKeys on tagging, aws:RequestedRegion on
  // every request (set from the resource's region).
  const moves: Move[] = [
    ['deny the recording in the instance role', 'iam:PutRolePolicy', instanceRole],
    ["delete the instance role's logging policy", 'iam:DeleteRolePolicy', instanceRole],
    ["detach the instance role's managed policy", 'iam:DetachRolePolicy', instanceRole, { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' }],
    ['cap the instance role with a boundary of their own', 'iam:PutRolePermissionsBoundary', instanceRole, { 'iam:PermissionsBoundary': iam('policy/deny-logging') }],
    ["lift the instance role's boundary", 'iam:DeleteRolePermissionsBoundary', instanceRole, { 'iam:PermissionsBoundary': iam(`policy/ssm-session-kit-${envName}-permissions-boundary`) }],
    ['re-trust the instance role', 'iam:UpdateAssumeRolePolicy', instanceRole],
    ['delete the instance role', 'iam:DeleteRole', instanceRole],
    ['deny the recording in the Default Host Management role', 'iam:PutRolePolicy', dhmRole],
    ['pass the instance role to an instance of their own', 'iam:PassRole', instanceRole, { 'iam:PassedToService': 'ec2.amazonaws.com' }],
    ['take the instance role out of its profile', 'iam:RemoveRoleFromInstanceProfile', profile],
    ["swap the instance's profile", 'ec2:ReplaceIamInstanceProfileAssociation', instance, instanceTagKeys],
    ["remove the instance's profile", 'ec2:DisassociateIamInstanceProfile', instance, instanceTagKeys],
    ['point Default Host Management at another role', 'ssm:UpdateServiceSetting', dhmSetting],
    ['reset Default Host Management', 'ssm:ResetServiceSetting', dhmSetting],
    ['put an account-wide log policy (subscription, transformer)', 'logs:PutAccountPolicy', '*', { 'aws:RequestedRegion': region }],
    ['run a shell script with Run Command', 'ssm:SendCommand', instance, instanceTagKeys],
    ['run a command through a State Manager association', 'ssm:CreateAssociation', instance, instanceTagKeys],
    ['change the user data, for the next boot', 'ec2:ModifyInstanceAttribute', instance, { ...instanceTagKeys, 'ec2:Attribute': 'userData' }],
    ['swap the root volume', 'ec2:CreateReplaceRootVolumeTask', instance, instanceTagKeys],
    ['push an SSH key with EC2 Instance Connect', 'ec2-instance-connect:SendSSHPublicKey', instance, instanceTagKeys],
    ['push a key to the serial console', 'ec2-instance-connect:SendSerialConsoleSSHPublicKey', instance, instanceTagKeys],
    ['switch the serial console on', 'ec2:EnableSerialConsoleAccess', '*', { 'aws:RequestedRegion': region }],
    ['retag the instance out of the environment', 'ec2:DeleteTags', instance, { ...instanceTagKeys, 'aws:TagKeys': ['Environment'] }],
    ['open a session in a region that records nothing', 'ssm:StartSession', `arn:aws:ec2:us-west-2:${account}:instance/i-0123456789abcdef1`, {
      ...instanceTagKeys, 'ssm:SessionDocumentAccessCheck': 'true', 'aws:MultiFactorAuthPresent': 'true',
    }],
    // A copy of the instance, read without a session.
    ['image the instance', 'ec2:CreateImage', instance, instanceTagKeys],
    ["snapshot the instance's volumes", 'ec2:CreateSnapshots', instance, instanceTagKeys],
    ['export the instance to S3', 'ec2:CreateInstanceExportTask', instance, instanceTagKeys],
    ["read the instance's console output", 'ec2:GetConsoleOutput', instance, instanceTagKeys],
    ["screenshot the instance's console", 'ec2:GetConsoleScreenshot', instance, instanceTagKeys],
    // The way out: the endpoints and their security group carry the provider's default tags.
    ["rewrite an endpoint's policy to refuse uploads", 'ec2:ModifyVpcEndpoint', endpoint, networkTagKeys],
    ['delete an endpoint', 'ec2:DeleteVpcEndpoints', endpoint, networkTagKeys],
    ["open the endpoints' security group", 'ec2:AuthorizeSecurityGroupIngress', securityGroup, networkTagKeys],
    ["revoke the endpoints' HTTPS rule", 'ec2:RevokeSecurityGroupIngress', securityGroup, networkTagKeys],
    ['untag an endpoint out of the environment', 'ec2:DeleteTags', endpoint, { ...networkTagKeys, 'aws:TagKeys': ['Environment'] }],
    // Another security group on the instance's interface: one that lets only the Systems Manager endpoints through.
    ["swap the security group on the instance's interface", 'ec2:ModifyNetworkInterfaceAttribute', instance, instanceTagKeys],
    // The alerts' way in: the default bus's encryption.
    ["move the default bus to a key of one's own", 'events:UpdateEventBus', `arn:aws:events:${region}:${account}:event-bus/default`],
  ];
  // Refused in the account (deny policies, boundary), not by the SCP: the route tables are named by the
  // environment's config alone, and a bus's policy changes by actions with no resource (every bus of
  // every account the SCP reaches would be refused).
  const accountOnlyMoves: Move[] = [
    ...(env.network.vpcEndpoints ? [['route around the S3 gateway endpoint', 'ec2:ReplaceRoute', `arn:aws:ec2:${region}:${account}:route-table/${env.network.routeTableIds[0]}`] as Move] : []),
    ["drop the forwarder's events with a Deny in the bus policy", 'events:PutPermission', '*', { 'aws:RequestedRegion': region }],
    // The instance's subnet onto a route table, or a network ACL, of one's own.
    ["move the instance's subnet to another route table", 'ec2:ReplaceRouteTableAssociation', `arn:aws:ec2:${region}:${account}:subnet/${env.instances[0].subnetId}`],
    ["associate the instance's subnet with another route table", 'ec2:AssociateRouteTable', `arn:aws:ec2:${region}:${account}:subnet/${env.instances[0].subnetId}`],
    ["move the instance's subnet to another network ACL", 'ec2:ReplaceNetworkAclAssociation', `arn:aws:ec2:${region}:${account}:subnet/${env.instances[0].subnetId}`],
  ];

  it.each(Object.keys(insiders))('refuses every move to an %s', async (insider) => {
    const holds = insiders[insider as keyof typeof insiders]();
    for (const [what, action, resource, context = {}] of moves) {
      const decision = await decide({ ...holds, action, resource, resourceAccount: account, context: { 'aws:PrincipalArn': holds.principal, ...context } });
      expect({ what, allowed: decision === 'Allowed' }).toEqual({ what, allowed: false });
      if (insider !== 'engineer of an access group') expect({ what, decision }).toEqual({ what, decision: 'ExplicitlyDenied' });
    }
  });

  it.each(['administrator with the deny policies', 'bounded role granted everything'] as const)('refuses the route tables, the subnets and the bus policy to an %s', async (insider) => {
    const holds = insiders[insider]();
    for (const [what, action, resource, context = {}] of accountOnlyMoves) {
      const decision = await decide({ ...holds, action, resource, resourceAccount: account, context: { 'aws:PrincipalArn': holds.principal, ...context } });
      expect({ what, decision }).toEqual({ what, decision: 'ExplicitlyDenied' });
    }
  });

  it('refuses an Instance Connect tunnel in every delivery, on every resource', () => {
    // The engine cannot evaluate ec2-instance-connect:OpenTunnel: the reference lists its resource type
    // twice ("multiple.resource.types"). A deny on "*" with no condition but the pipeline's exception
    // refuses it whatever the endpoint.
    const refusing = (statements: any[]) => statements.filter((st) => st.Effect === 'Deny' && [st.Resource].flat().includes('*')
      && [st.Action].flat().includes('ec2-instance-connect:OpenTunnel') && Object.keys(st.Condition ?? {}).every((op) => op === 'ArnNotLike'));
    const deliveries = { 'deny policies': denyPolicies().map((p) => p.policy), boundary: [boundary()], SCP: scps };
    for (const [delivery, policies] of Object.entries(deliveries)) {
      expect({ delivery, refused: refusing(policies.flatMap((p) => p.Statement)).length > 0 }).toEqual({ delivery, refused: true });
    }
  });

  const asPipeline = (action: string, resource: string, context: Record<string, string | string[]> = {}) => decide({
    principal: pipeline, action, resource, resourceAccount: account, identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }], scps,
    context: { 'aws:PrincipalArn': pipeline, ...context },
  });

  it('leaves the pipeline its deploys on the same resources under the SCP, and passes the roles to EC2 and Systems Manager only', async () => {
    for (const [what, action, resource, context] of [...moves, ...accountOnlyMoves].filter(([, action]) => !action.startsWith('ec2-instance-connect:') && action !== 'ssm:StartSession')) {
      expect({ what, decision: await asPipeline(action, resource, context) }).toEqual({ what, decision: 'Allowed' });
    }
    expect(await asPipeline('iam:PassRole', dhmRole, { 'iam:PassedToService': 'ssm.amazonaws.com' })).toBe('Allowed');
    expect(await asPipeline('iam:PassRole', instanceRole, { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe('ExplicitlyDenied');
  });

  it("still lets an engineer open an ordinary session on the group's instances, under every delivery", async () => {
    const group = env.accessGroups.find((g) => g.name === 'operators')!;
    const tags = instanceTags(env, reachableInstances(env, group)[0]);
    const holds = insiders['engineer of an access group']();
    for (const resource of [`arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`, `arn:aws:ssm:${region}:${account}:document/SSM-SessionManagerRunShell`]) {
      expect(await decide({
        ...holds, action: 'ssm:StartSession', resource, resourceAccount: account,
        context: {
          'aws:PrincipalArn': engineer, 'ssm:SessionDocumentAccessCheck': 'true', 'aws:MultiFactorAuthPresent': 'true',
          ...Object.fromEntries(Object.entries(tags).flatMap(([k, v]) => [[`ssm:resourceTag/${k}`, v], [`aws:ResourceTag/${k}`, v]])),
          'aws:ResourceTag/ManagedBy': 'ssm-session-kit',
        },
      })).toBe('Allowed');
    }
  });

  if (envName === 'prod') {
    it('lets the break-glass role, which states why, run a shell script on its instances under every delivery, and nowhere else', async () => {
      const breakGlass = iam('role/ssm-session-kit-prod-break-glass');
      const group = env.accessGroups.find((g) => g.name === 'break-glass')!;
      const tags = instanceTags(env, reachableInstances(env, group)[0]);
      const tagKeys = { ...Object.fromEntries(Object.entries(tags).flatMap(([k, v]) => [[`ssm:resourceTag/${k}`, v], [`aws:ResourceTag/${k}`, v]])), 'aws:ResourceTag/ManagedBy': 'ssm-session-kit' };
      const send = (resource: string, context: Record<string, string>) => decide({
        principal: breakGlass, action: 'ssm:SendCommand', resource, resourceAccount: account, scps, permissionBoundary: boundary(),
        identityPolicies: [{ name: 'break-glass', policy: named('ssm-session-kit-prod-break-glass') }],
        context: { 'aws:PrincipalArn': breakGlass, 'aws:MultiFactorAuthPresent': 'true', ...context },
      });
      expect(await send(instance, tagKeys)).toBe('Allowed');
      expect(await send(`arn:aws:ssm:${region}:${account}:document/AWS-RunShellScript`, {})).toBe('Allowed');
      expect(await send(`arn:aws:ssm:${region}:${account}:document/MyOwnScript`, {})).not.toBe('Allowed');
      expect(await send(instance, { ...tagKeys, 'ssm:resourceTag/Environment': 'staging', 'aws:ResourceTag/Environment': 'staging' })).not.toBe('Allowed');
      // Granted more later, the break-glass role still has no other way in than Run Command.
      for (const [action, context] of [['ec2:ModifyInstanceAttribute', { 'ec2:Attribute': 'userData' }], ['ec2-instance-connect:SendSSHPublicKey', {}], ['ssm:CreateAssociation', {}]] as const) {
        expect({ action, decision: await decide({
          principal: breakGlass, action, resource: instance, resourceAccount: account, scps, permissionBoundary: boundary(),
          identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }], context: { 'aws:PrincipalArn': breakGlass, ...tagKeys, ...context },
        }) }).toEqual({ action, decision: 'ExplicitlyDenied' });
      }
      // Others of the group's kind stay refused: the operators' role, granted everything.
      expect(await decide({
        principal: engineer, action: 'ssm:SendCommand', resource: instance, resourceAccount: account, scps, permissionBoundary: boundary(),
        identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }], context: { 'aws:PrincipalArn': engineer, ...tagKeys },
      })).toBe('ExplicitlyDenied');
    });
  }
});
