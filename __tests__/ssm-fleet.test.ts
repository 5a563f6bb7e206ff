import { App, Aspects, TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ComplianceChecker } from '../modules/compliance';
import { IamSsmRole } from '../modules/iam-ssm-role';
import { InstanceProfile } from '../modules/instance-profile';
import { SsmFleet, type SsmFleetProps, SsmLaunchTemplate } from '../modules/ssm-fleet';
import { SsmInstance } from '../modules/ssm-instance';
import { SessionLogging } from '../modules/session-logging';
import { validateOffline } from '../scripts/lib/offline-validation';
import { configProblems, type Json, rawConfig, resources, synthStack, tempDir, writeConfig } from './helpers';
import { validateConfig } from '../config/validate';
import { createStacks } from '../stacks';
import { spawnSync } from 'child_process';
import { accessReport, connectCommands } from '../scripts/lib/access-report';
import { isAuditTrail } from '../scripts/drift-report';
import { synthesize } from '../scripts/lib/synth';
import type { PolicyJson } from '../scripts/lib/iam-decide';
import { ALLOW_EVERYTHING, decide, ResolvedPlan } from './iam-evaluation';
import { resolvedShipped, shippedPlans } from './support/shipped-plans';

/**
 * A fleet's launch template and Auto Scaling group, as a developer uses them from the package: the
 * same hardening as a single instance, checked in the synthesized configuration and planned offline
 * with the real Terraform and AWS provider.
 */
jest.setTimeout(10 * 60_000);

const ACCESS = { environment: 'prod', team: 'data', accessGroup: 'operators' };

function fleet(stack: TerraformStack, props: Pick<SsmFleetProps, 'instanceRefresh' | 'mixedInstances'> = {}): { template: SsmLaunchTemplate; instance: SsmInstance } {
  const role = new IamSsmRole(stack, 'role', { roleName: 'fleet-instance' });
  const profile = new InstanceProfile(stack, 'profile', { roleName: role.roleName, profileName: 'fleet-instance' });
  const common = { vpcId: 'vpc-0a1b2c3d4e5f60001', accessTags: ACCESS, instanceProfile: { role, profile }, osUsers: { users: ['ssm-operator'] }, hardening: { sshd: false } };
  const template = new SsmLaunchTemplate(stack, 'launch-template', { ...common, name: 'prod-workers', instanceType: 't3.small', tags: { ManagedBy: 'ssm-session-kit' } });
  new SsmFleet(stack, 'fleet', {
    name: 'prod-workers', launchTemplate: template, subnetIds: ['subnet-0a1b2c3d4e5f61001', 'subnet-0a1b2c3d4e5f61002'], minSize: 2, maxSize: 4, ...props,
  });
  // A single instance of the same props, for its user data.
  const instance = new SsmInstance(stack, 'single', { ...common, name: 'prod-single', subnetId: 'subnet-0a1b2c3d4e5f61001' });
  return { template, instance };
}

describe('SsmLaunchTemplate', () => {
  let stack: Json;
  let userData: { fleet?: string; single?: string };
  beforeAll(() => {
    stack = synthStack((s) => {
      const { template, instance } = fleet(s);
      userData = { fleet: template.userData, single: instance.userData };
    });
  });
  const template = () => resources(stack, 'aws_launch_template')[0];

  it('launches as SsmInstance does: IMDSv2 with one hop, no key pair, no public IP, an encrypted gp3 root volume, the recording profile', () => {
    const t = template();
    expect(t.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 });
    expect(t.key_name).toBeUndefined();
    expect(t.network_interfaces).toEqual([expect.objectContaining({ associate_public_ip_address: 'false', device_index: 0 })]);
    expect(t.block_device_mappings).toEqual([expect.objectContaining({ device_name: '/dev/xvda', ebs: expect.objectContaining({ encrypted: 'true', volume_type: 'gp3' }) })]);
    expect(t.iam_instance_profile.arn).toMatch(/aws_iam_instance_profile\.profile_.*\.arn/);
  });

  it('boots with the very user data a single instance of the same props gets, base64-encoded as launch templates take it', () => {
    expect(userData.fleet).toBeDefined();
    expect(userData.fleet).toBe(userData.single);
    expect(Buffer.from(template().user_data, 'base64').toString('utf8')).toBe(userData.single);
    expect(userData.fleet).toContain('ssm-session-kit-metadata-firewall.service');
  });

  it('tags every instance and volume it launches with the access tags, the Name and the extra tags', () => {
    const expected = { Environment: 'prod', Team: 'data', AccessGroup: 'operators', Name: 'prod-workers', ManagedBy: 'ssm-session-kit' };
    expect(template().tag_specifications).toEqual([{ resource_type: 'instance', tags: expected }, { resource_type: 'volume', tags: expected }]);
  });

  it("passes the compliance checks the project holds every stack to, and fails the one that wants its sessions recorded without session logging", () => {
    const compliant = (withLogging: boolean) => {
      const app = new App({ outdir: tempDir('fleet-compliance') });
      const s = new TerraformStack(app, 'fleet');
      new AwsProvider(s, 'aws', { region: 'eu-west-1', allowedAccountIds: ['111111111111'] });
      const role = new IamSsmRole(s, 'role', { roleName: 'fleet-instance' });
      const profile = new InstanceProfile(s, 'profile', { roleName: role.roleName });
      const template = new SsmLaunchTemplate(s, 'launch-template', { name: 'workers', vpcId: 'vpc-0a1b2c3d4e5f60001', accessTags: ACCESS, instanceProfile: { role, profile } });
      new SsmFleet(s, 'fleet', { name: 'workers', launchTemplate: template, subnetIds: ['subnet-0a1b2c3d4e5f61001'], minSize: 1, maxSize: 1 });
      if (withLogging) {
        const logging = new SessionLogging(s, 'logging', { bucketName: 'acme-fleet-sessions-111111111111', pipelineRoleArns: ['arn:aws:iam::111111111111:role/deploy'] });
        role.grantSessionLogging(logging.grantTarget);
      }
      Aspects.of(s).add(new ComplianceChecker());
      return () => app.synth();
    };
    expect(compliant(true)).not.toThrow();
    expect(compliant(false)).toThrow(/SESSION_LOGGING_PRESENT \(a stack with instances or fleets records their sessions\)/);
  });
});

describe('SsmFleet', () => {
  it("launches the template's latest version, refreshes its instances on a new one, and marks the group with the template's tags without copying them", () => {
    const group = resources(synthStack((s) => void fleet(s)), 'aws_autoscaling_group')[0];
    expect(group.launch_template).toEqual({ id: expect.stringMatching(/aws_launch_template\..*\.id/), version: expect.stringMatching(/aws_launch_template\..*\.latest_version/) });
    expect(group.instance_refresh).toEqual({ strategy: 'Rolling', preferences: { min_healthy_percentage: 90 } });
    expect(group.tag).toEqual(expect.arrayContaining([{ key: 'Environment', value: 'prod', propagate_at_launch: false }]));
    expect(group.vpc_zone_identifier).toEqual(['subnet-0a1b2c3d4e5f61001', 'subnet-0a1b2c3d4e5f61002']);
    expect({ min: group.min_size, max: group.max_size, desired: group.desired_capacity }).toEqual({ min: 2, max: 4, desired: 2 });
  });

  it('launches several instance types, On-Demand and Spot, from the same template version when asked', () => {
    const mixedInstances = { instanceTypes: ['t3.small', 't3a.small', 'm5.large'], onDemandPercentage: 25 };
    const group = resources(synthStack((s) => void fleet(s, { mixedInstances })), 'aws_autoscaling_group')[0];
    expect(group.launch_template).toBeUndefined();
    expect(group.mixed_instances_policy).toEqual({
      launch_template: {
        launch_template_specification: { launch_template_id: expect.stringMatching(/aws_launch_template\..*\.id/), version: expect.stringMatching(/aws_launch_template\..*\.latest_version/) },
        override: [{ instance_type: 't3.small' }, { instance_type: 't3a.small' }, { instance_type: 'm5.large' }],
      },
      instances_distribution: { on_demand_base_capacity: 0, on_demand_percentage_above_base_capacity: 25, spot_allocation_strategy: 'price-capacity-optimized' },
    });
  });

  it.each([
    [{ instanceTypes: ['t3.small', 't4g.small'] }, /instanceTypes t4g\.small cannot boot the x86_64 image of t3\.small/],
    [{ instanceTypes: [] }, /instanceTypes must name 1 to 40 instance types \(got 0\)/],
    [{ instanceTypes: ['t3.small', 't3.small'] }, /instanceTypes names t3\.small more than once/],
    [{ instanceTypes: ['t3.small'], onDemandPercentage: 101 }, /onDemandPercentage must be a whole number from 0 to 100 \(got 101\)/],
  ])('refuses a mixed instances policy AWS would refuse or could not boot: %j', (mixedInstances, message) => {
    expect(() => synthStack((s) => void fleet(s, { mixedInstances }))).toThrow(message);
  });

  it('leaves instance refresh out when asked', () => {
    expect(resources(synthStack((s) => void fleet(s, { instanceRefresh: false })), 'aws_autoscaling_group')[0].instance_refresh).toBeUndefined();
  });

  it('plans offline with the real Terraform and AWS provider, without an error or a warning', async () => {
    const app = new App({ outdir: tempDir('fleet-plan') });
    const s = new TerraformStack(app, 'fleet');
    new AwsProvider(s, 'aws', { region: 'eu-west-1', allowedAccountIds: ['111111111111'] });
    fleet(s, { mixedInstances: { instanceTypes: ['t3.small', 't3a.small'], onDemandPercentage: 50 } });
    app.synth();
    const [result] = await validateOffline({ outdir: app.outdir, workdir: tempDir('fleet-validate') });
    expect({ stack: result.stack, diagnostics: result.diagnostics, ok: result.ok }).toEqual({ stack: 'fleet', diagnostics: [], ok: true });
    expect(result.changes?.add).toBeGreaterThan(8);
  });
});

/**
 * An environment's administrator (AdministratorAccess) against its fleets, under each delivery on its
 * own, on the shipped plans. Condition keys as the Service Authorization Reference lists them:
 * aws:TagKeys/aws:RequestTag on CreateAutoScalingGroup, CreateOrUpdateTags and CreateLaunchTemplate;
 * aws:ResourceTag on a group's and a launch template's every other action; RunInstances tags its
 * instances through ec2:CreateTags with ec2:CreateAction ("Tag your resources on creation").
 */
describe("an environment's fleets, decided by the IAM engine on dev's resolved plan", () => {
  const DEV = '111111111111';
  let plan: ResolvedPlan;
  let scps: PolicyJson[];
  beforeAll(async () => {
    ({ plan, scps } = await resolvedShipped('dev'));
  });
  type Delivery = 'deny policy' | 'boundary' | 'SCP' | 'none';
  const as = (principal: string, delivery: Delivery, action: string, resource: string, context: Record<string, string | string[]> = {}) => decide({
    principal, action, resource, resourceAccount: DEV,
    // ("AWS global condition context keys") every signed request carries its principal's ARN and account.
    context: { 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': DEV, ...context },
    identityPolicies: [
      { name: 'AdministratorAccess', policy: ALLOW_EVERYTHING },
      ...(delivery === 'deny policy' ? ['audit-trail', 'recording-path', 'instances'].map((p) => ({ name: p, policy: plan.managedPolicy(`ssm-session-kit-dev-${p}-guardrail`) })) : []),
    ],
    permissionBoundary: delivery === 'boundary' ? plan.managedPolicy('ssm-session-kit-dev-permissions-boundary') : undefined,
    scps: delivery === 'SCP' ? scps : undefined,
  });
  const admin = `arn:aws:iam::${DEV}:role/AWSReservedSSO_Administrators_dev`;
  const pipeline = `arn:aws:iam::${DEV}:role/ssm-session-kit-deploy`;
  const group = `arn:aws:autoscaling:eu-west-1:${DEV}:autoScalingGroup:0aa5a695-0000-4000-8000-0123456789ab:autoScalingGroupName/ssm-session-kit-dev-workers`;
  const template = `arn:aws:ec2:eu-west-1:${DEV}:launch-template/lt-0123456789abcdef0`;
  const tagged = { 'aws:ResourceTag/Environment': 'dev', 'aws:ResourceTag/ManagedBy': 'ssm-session-kit' };
  const taggingIn = { 'aws:TagKeys': ['Environment', 'AccessGroup'], 'aws:RequestTag/Environment': 'dev', 'aws:RequestTag/AccessGroup': 'operators' };
  const moves: [string, string, string, Record<string, string | string[]>][] = [
    ['create a group tagged into an access group', 'autoscaling:CreateAutoScalingGroup', `arn:aws:autoscaling:eu-west-1:${DEV}:autoScalingGroup:*:autoScalingGroupName/mine`, taggingIn],
    ['tag a group of their own into one', 'autoscaling:CreateOrUpdateTags', `arn:aws:autoscaling:eu-west-1:${DEV}:autoScalingGroup:1:autoScalingGroupName/mine`, taggingIn],
    ['create a launch template tagged in', 'ec2:CreateLaunchTemplate', `arn:aws:ec2:eu-west-1:${DEV}:launch-template/*`, taggingIn],
    ["point the environment's group at another template or version", 'autoscaling:UpdateAutoScalingGroup', group, tagged],
    ["add a version to the environment's launch template (other user data, another profile, IMDSv1)", 'ec2:CreateLaunchTemplateVersion', template, tagged],
    ["make another version the template's default", 'ec2:ModifyLaunchTemplate', template, tagged],
    ['attach an instance of their own to the group', 'autoscaling:AttachInstances', group, tagged],
    ["retag the environment's template", 'ec2:DeleteTags', template, { ...tagged, 'aws:TagKeys': ['Environment'] }],
    // Untagged, with a template of their own: its instances would carry whatever tags that template gives them.
    ["create a group of a fleet's name the pipeline has yet to create, untagged", 'autoscaling:CreateAutoScalingGroup', `arn:aws:autoscaling:eu-west-1:${DEV}:autoScalingGroup:*:autoScalingGroupName/ssm-session-kit-dev-payments`, {}],
  ];

  it.each(moves)('refuses an administrator who would %s, in every delivery on its own; the pipeline, under the SCP, may', async (_what, action, resource, context) => {
    expect(await as(admin, 'none', action, resource, context)).toBe('Allowed');
    for (const delivery of ['deny policy', 'boundary', 'SCP'] as const) {
      expect({ delivery, decision: await as(admin, delivery, action, resource, context) }).toEqual({ delivery, decision: 'ExplicitlyDenied' });
    }
    // The deny policy is never attached to the pipeline's role (the config refuses it); the SCP excepts it.
    expect(await as(pipeline, 'SCP', action, resource, context)).toBe('Allowed');
  });

  it("leaves a team's own groups and templates, untagged into any environment, to them", async () => {
    const theirs = { 'aws:ResourceTag/Environment': 'their-own' };
    const theirGroup = `arn:aws:autoscaling:eu-west-1:${DEV}:autoScalingGroup:1:autoScalingGroupName/payments-workers`;
    for (const delivery of ['deny policy', 'boundary', 'SCP'] as const) {
      expect({ delivery, decision: await as(admin, delivery, 'autoscaling:CreateAutoScalingGroup', theirGroup, {}) }).toEqual({ delivery, decision: 'Allowed' });
      expect({ delivery, decision: await as(admin, delivery, 'autoscaling:UpdateAutoScalingGroup', theirGroup, theirs) }).toEqual({ delivery, decision: 'Allowed' });
      expect({ delivery, decision: await as(admin, delivery, 'ec2:CreateLaunchTemplateVersion', template, theirs) }).toEqual({ delivery, decision: 'Allowed' });
    }
  });
});

describe("who reaches a fleet's instances, decided by the IAM engine on dev's resolved plan", () => {
  const DEV = '111111111111';
  let plan: ResolvedPlan;
  beforeAll(async () => {
    plan = new ResolvedPlan((await shippedPlans()).results.find((r) => r.stack === 'dev')!.planFile!);
  });
  const engineer = `arn:aws:iam::${DEV}:role/AWSReservedSSO_Developers_dev/alice`;
  const instance = `arn:aws:ec2:eu-west-1:${DEV}:instance/i-0123456789abcdef0`;
  // The group's tags, as the developers' policy matches them; the launcher's as AWS writes them: "Tag
  // Auto Scaling groups and instances" (aws:autoscaling:groupName), the EC2 Fleet guide
  // (aws:ec2:fleet-id, which a group with several instance types launches through too), the Spot
  // Fleet guide (aws:ec2spot:fleet-request-id).
  const tags = (launcher: Record<string, string>) => Object.fromEntries(
    Object.entries({ Environment: 'dev', AccessGroup: 'developers', ...launcher }).map(([k, v]) => [`ssm:resourceTag/${k}`, v]),
  );
  const start = (launcher: Record<string, string>) => decide({
    principal: engineer, action: 'ssm:StartSession', resource: instance, resourceAccount: DEV,
    context: { 'aws:PrincipalArn': engineer, 'aws:PrincipalAccount': DEV, ...tags(launcher) },
    identityPolicies: [{ name: 'developers', policy: plan.managedPolicy('ssm-session-kit-dev-developers') }],
  });
  const FLEET_ID = 'fleet-0a1b2c3d-0000-4000-8000-0123456789ab';

  it("lets engineers open sessions on an instance of the environment's own fleet, by its tags, as on a single instance", async () => {
    expect(await start({})).toBe('Allowed');
    expect(await start({ 'aws:autoscaling:groupName': 'ssm-session-kit-dev-workers' })).toBe('Allowed');
    expect(await start({ 'aws:autoscaling:groupName': 'ssm-session-kit-dev-workers', 'aws:ec2:fleet-id': FLEET_ID })).toBe('Allowed');
  });

  it('refuses them an instance with the same tags that another group, an EC2 Fleet or a Spot Fleet launched', async () => {
    expect(await start({ 'aws:autoscaling:groupName': 'payments-workers' })).toBe('ExplicitlyDenied');
    expect(await start({ 'aws:autoscaling:groupName': 'ssm-session-kit-prod-workers' })).toBe('ExplicitlyDenied');
    expect(await start({ 'aws:ec2:fleet-id': FLEET_ID })).toBe('ExplicitlyDenied');
    expect(await start({ 'aws:ec2spot:fleet-request-id': 'sfr-0a1b2c3d-0000-4000-8000-0123456789ab' })).toBe('ExplicitlyDenied');
  });
});

describe('fleets in the config', () => {
  const WORKERS = { name: 'workers', instanceType: 't3.small', minSize: 2, maxSize: 4, team: 'platform', accessGroup: 'operators' };
  const withFleet = (...fleets: object[]) => {
    const raw = rawConfig();
    raw.environments.dev.fleets = fleets.length > 0 ? fleets : [WORKERS];
    return raw;
  };

  it.each([
    [{ ...WORKERS, maxSize: 1 }, 'fleets[0].maxSize', /is below minSize \(2\)/],
    [{ ...WORKERS, desiredCapacity: 5 }, 'fleets[0].desiredCapacity', /must lie from minSize to maxSize \(2 to 4\)/],
    [{ ...WORKERS, minSize: 1.5 }, 'fleets[0].minSize', /whole number/],
    [{ ...WORKERS, name: 'dev-tools' }, 'fleets[0].name', /names another instance or fleet/],
    [{ ...WORKERS, subnetIds: ['subnet-0a1b2c3d4e5f69999'] }, 'fleets[0].subnetIds[0]', /is not one of network\.subnetIds/],
    [{ ...WORKERS, accessGroup: 'operator' }, 'fleets.workers.accessGroup', /did you mean "operators"/],
    [{ ...WORKERS, ami: 'ami-0a1b2c3d4e5f60718' }, 'fleets[0].ssmAgentVersion', /is required with "ami"/],
    [{ ...WORKERS, tags: { ManagedBy: 'me' } }, 'fleets[0].tags.ManagedBy', /is set by the project/],
    [{ ...WORKERS, mixedInstances: { instanceTypes: ['t3.small', 'm7g.large'] } }, 'fleets[0].mixedInstances.instanceTypes', /m7g\.large cannot boot the x86_64 image of t3\.small/],
    [{ ...WORKERS, mixedInstances: { instanceTypes: ['t3.small'], onDemandPercentage: -5 } }, 'fleets[0].mixedInstances.onDemandPercentage', /whole number from 0 to 100/],
    [{ ...WORKERS, mixedInstances: { instanceTypes: ['t3 small'] } }, 'fleets[0].mixedInstances.instanceTypes[0]', /must be an EC2 instance type such as "t3.micro"/],
  ])('refuses %j, naming the environment and field', (fleet, field, message) => {
    const problems = configProblems((raw) => { raw.environments.dev.fleets = [fleet]; });
    expect(problems).toContain(`environment "dev", field "${field}"`);
    expect(problems).toMatch(message);
  });

  it("launches from the environment's recording profile, tagged as its instances are, ManagedBy included, and the groups reaching its tags reach it", () => {
    const config = validateConfig(withFleet());
    const dev = JSON.parse(Testing.synth(createStacks(Testing.app(), config).all.find((s) => s.node.id === 'dev')!, true));
    const [template] = resources(dev, 'aws_launch_template');
    expect(template.name).toBe('ssm-session-kit-dev-workers');
    expect(template.iam_instance_profile.arn).toMatch(/aws_iam_instance_profile\.instance-profile_[0-9A-F]{8}\.arn/);
    expect(template.tag_specifications[0].tags).toEqual({ Environment: 'dev', Team: 'platform', AccessGroup: 'operators', Name: 'workers', ManagedBy: 'ssm-session-kit' });
    expect(resources(dev, 'aws_autoscaling_group')[0]).toMatchObject({ name: 'ssm-session-kit-dev-workers', min_size: 2, max_size: 4 });
    const operators = accessReport(config).split('\n').find((l) => l.startsWith('  operators '))!;
    expect(operators).toContain('fleet workers');
  });

  it("connects to a fleet's instance by the group that launched it, not by a name its instances share", () => {
    const config = validateConfig(withFleet());
    const dev = config.environments.find((e) => e.name === 'dev')!;
    const shell = connectCommands(dev, dev.accessGroups.find((g) => g.name === 'operators')!).find((c) => c.instance === 'workers')!;
    expect(shell.what).toBe('shell on workers');
    expect(shell.command).toContain('--filters Name=tag:aws:autoscaling:groupName,Values=ssm-session-kit-dev-workers Name=instance-state-name,Values=running');
    expect(shell.command).not.toContain('tag:Name');
    expect(spawnSync('bash', ['-n', '-c', shell.command]).status).toBe(0);
  });

  it("makes the fleet part of the recording path: the drift report marks its template and group, the guardrails keep its subnets' routes", () => {
    const config = validateConfig(withFleet());
    const dev = JSON.parse(Testing.synth(createStacks(Testing.app(), config).all.find((s) => s.node.id === 'dev')!, true));
    const addresses = ['aws_launch_template', 'aws_autoscaling_group'].flatMap((type) => Object.keys(dev.resource[type]).map((name) => `${type}.${name}`));
    expect(addresses).toHaveLength(2);
    expect(addresses.filter((a) => !isAuditTrail(a))).toEqual([]);
    const fleetSubnets = config.environments.find((e) => e.name === 'dev')!.fleets[0].subnetIds;
    const recording = JSON.parse(resources(dev, 'aws_iam_policy').find((p) => p.name === 'ssm-session-kit-dev-recording-path-guardrail')!.policy);
    const subnetRoutes = recording.Statement.find((st: Json) => st.Sid === 'KeepSubnetRoutes');
    expect(subnetRoutes.Resource).toEqual(expect.arrayContaining(fleetSubnets.map((id) => `arn:*:ec2:*:*:subnet/${id}`)));
  });

  it('plans offline, beside the shipped stacks, with no error and no warning', async () => {
    const outdir = tempDir('fleet-config-synth');
    // Two: the second of several instance types, mostly Spot.
    synthesize(outdir, { SSK_CONFIG: writeConfig(withFleet(WORKERS, { ...WORKERS, name: 'batch', mixedInstances: { instanceTypes: ['t3.small', 't3a.small', 'm5.large'], onDemandPercentage: 20 } })) });
    const [dev] = await validateOffline({ outdir, stacks: ['dev'], workdir: tempDir('fleet-config-validate') });
    expect({ diagnostics: dev.diagnostics, ok: dev.ok }).toEqual({ diagnostics: [], ok: true });
  });
});
