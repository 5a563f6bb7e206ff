import { withLogArchive } from './support/log-archive-config';
import * as f from '../config/fields';
import { loadConfig } from '../config/load';
import { ConfigError, ConfigProblem, validateConfig } from '../config/validate';
import { rawConfig, writeConfig } from './helpers';

function problemsOf(raw: unknown): ConfigProblem[] {
  try {
    validateConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

function expectProblem(raw: unknown, scope: string, field: string, message: RegExp): void {
  expect(problemsOf(raw)).toEqual(
    expect.arrayContaining([expect.objectContaining({ scope, field, message: expect.stringMatching(message) })]),
  );
}

describe('the project config', () => {
  it('declares dev, staging and prod, valid', () => {
    const config = loadConfig();
    expect(config.environments.map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);
    for (const env of config.environments) {
      expect(env.accountId).toMatch(/^\d{12}$/);
      expect(env.state.bucket).toBe(config.bootstrap.stateBucket);
    }
  });

  it('gives every environment its own state key by default', () => {
    const keys = loadConfig().environments.map((e) => e.state.key);
    expect(keys).toEqual([
      'ssm-session-kit/dev/terraform.tfstate',
      'ssm-session-kit/staging/terraform.tfstate',
      'ssm-session-kit/prod/terraform.tfstate',
    ]);
  });

  it('encrypts state in the bootstrap bucket with the bootstrap key unless told otherwise', () => {
    const raw = rawConfig();
    raw.environments.staging.state.kmsKeyId = 'arn:aws:kms:eu-west-1:000000000000:key/0a1b2c3d-0000-4000-8000-000000000000';
    const config = validateConfig(raw);
    const byName = Object.fromEntries(config.environments.map((e) => [e.name, e.state.kmsKeyId]));
    expect(byName.dev).toBe('arn:aws:kms:eu-west-1:000000000000:alias/ssm-session-kit-tfstate');
    expect(byName.staging).toBe(raw.environments.staging.state.kmsKeyId);
  });

  it('defaults the state region to the environment region', () => {
    const raw = rawConfig();
    raw.environments.prod.state = { bucket: 'acme-prod-tfstate' };
    const prod = validateConfig(raw).environments.find((e) => e.name === 'prod');
    expect(prod?.state.region).toBe('eu-central-1');
    expect(prod?.state.kmsKeyId).toBeUndefined();
  });
});

describe('config validation', () => {
  it.each([
    ['a short account id', (c: any) => (c.environments.dev.accountId = '12345'), 'dev', 'accountId', /12-digit/],
    ['an account id as a number', (c: any) => (c.environments.dev.accountId = 111111111111), 'dev', 'accountId', /must be a string/],
    ['an unknown region', (c: any) => (c.environments.staging.region = 'eu-middle-9'), 'staging', 'region', /not an AWS region/],
    ['a missing state bucket', (c: any) => delete c.environments.prod.state.bucket, 'prod', 'state.bucket', /is required/],
    ['a missing state block', (c: any) => delete c.environments.prod.state, 'prod', 'state', /is required/],
    ['a bucket name with capitals', (c: any) => (c.environments.dev.state.bucket = 'Acme-State'), 'dev', 'state.bucket', /lower-case/],
    ['a bucket name like an IP address', (c: any) => (c.environments.dev.state.bucket = '192.168.1.10'), 'dev', 'state.bucket', /IP address/],
    ['a bucket name with a reserved suffix', (c: any) => (c.environments.dev.state.bucket = 'state-s3alias'), 'dev', 'state.bucket', /reserved suffix/],
    ['a state key with a leading slash', (c: any) => (c.environments.dev.state.key = '/dev.tfstate'), 'dev', 'state.key', /must not begin/],
    ['a role that is not an ARN', (c: any) => (c.environments.dev.state.roleArn = 'state-role'), 'dev', 'state.roleArn', /ARN of an IAM role/],
    ['a plan role that is not an ARN', (c: any) => (c.environments.staging.guardrails.planRoleArn = 'ssm-session-kit-plan'), 'staging', 'guardrails.planRoleArn', /ARN of an IAM role/],
    ['a KMS key that is not an ARN', (c: any) => (c.environments.dev.state.kmsKeyId = 'my-key'), 'dev', 'state.kmsKeyId', /ARN of a KMS key/],
    ['a bad DynamoDB table name', (c: any) => (c.environments.dev.state.dynamodbTable = 'a'), 'dev', 'state.dynamodbTable', /3 to 255/],
    ['a tag key in the aws: namespace', (c: any) => (c.environments.dev.tags['aws:owner'] = 'x'), 'dev', 'tags.aws:owner', /reserved prefix/],
    ['a tag value with refused characters', (c: any) => (c.environments.dev.tags.Owner = 'a&b'), 'dev', 'tags.Owner', /may hold only/],
    ['a misspelt field', (c: any) => (c.environments.dev.acountId = '111111111111'), 'dev', 'acountId', /not a known field/],
    ['a created role trusting a role, its sessions named after a user name', (c: any) => delete c.environments.prod.accessGroups['ci-diagnostics'].createRole.sessionName,
      'prod', 'accessGroups.ci-diagnostics.createRole.trustedArns[0]', /has no aws:username .*"source-identity"/],
    ['a forward to port 22', (c: any) => (c.environments.prod.accessGroups.operators.portForwarding[0].port = 22),
      'prod', 'accessGroups.operators.portForwarding[0].port', /is SSH's port/],
    ['a forward to a port out of range', (c: any) => (c.environments.dev.accessGroups.operators.portForwarding[1].port = 65536),
      'dev', 'accessGroups.operators.portForwarding[1].port', /from 1 to 65535/],
    ['a forward to something that is not a host', (c: any) => (c.environments.dev.accessGroups.operators.portForwarding[1].host = 'db internal; rm -rf'),
      'dev', 'accessGroups.operators.portForwarding[1].host', /host name or an IPv4 address/],
    ["AWS's forwarding document without a reason", (c: any) => c.environments.staging.accessGroups.operators.documents.push('AWS-StartPortForwardingSessionToRemoteHost'),
      'staging', 'accessGroups.operators.unrecordedPortForwarding', /is required with AWS-StartPortForwardingSessionToRemoteHost: they forward to any port/],
    ['a reason for forwarding documents the group does not use', (c: any) => (c.environments.dev.accessGroups.developers.unrecordedPortForwarding = 'x'),
      'dev', 'accessGroups.developers.unrecordedPortForwarding', /does not use/],
    ['an unknown session naming', (c: any) => (c.environments.prod.accessGroups.operators.createRole.sessionName = 'anything'),
      'prod', 'accessGroups.operators.createRole.sessionName', /must be one of "user-name", "source-identity"/],
    ['a missing network', (c: any) => delete c.environments.dev.network, 'dev', 'network', /is required/],
    ['a VPC id that is not vpc-...', (c: any) => (c.environments.dev.network.vpcId = 'vpc-xyz'), 'dev', 'network.vpcId', /vpc id/],
    ['a subnet id that is not subnet-...', (c: any) => (c.environments.dev.network.subnetIds = ['sn-0a1b2c3d']), 'dev', 'network.subnetIds[0]', /subnet id/],
    ['no subnet at all', (c: any) => (c.environments.dev.network.subnetIds = []), 'dev', 'network.subnetIds', /non-empty list/],
    ['endpoints without the VPC CIDR', (c: any) => delete c.environments.prod.network.vpcCidrs, 'prod', 'network.vpcCidrs', /non-empty list/],
    ['a CIDR out of range', (c: any) => (c.environments.prod.network.vpcCidrs = ['10.300.0.0/16']), 'prod', 'network.vpcCidrs[0]', /IPv4 CIDR/],
    ['a route table id that is not rtb-...', (c: any) => (c.environments.prod.network.routeTableIds = ['rt-1']), 'prod', 'network.routeTableIds[0]', /rtb id/],
    ['a non-boolean endpoints switch', (c: any) => (c.environments.prod.network.vpcEndpoints = 'yes'), 'prod', 'network.vpcEndpoints', /true or false/],
    ['a missing instance list', (c: any) => delete c.environments.dev.instances, 'dev', 'instances', /is required/],
    ['an unknown instance type format', (c: any) => (c.environments.dev.instances[0].instanceType = 't3-micro'), 'dev', 'instances[0].instanceType', /EC2 instance type/],
    ['an AMI id that is not ami-...', (c: any) => (c.environments.prod.instances[1].ami = 'image-1234'), 'prod', 'instances[1].ami', /ami id/],
    ['a pinned image with no agent version', (c: any) => (c.environments.prod.instances[1].ami = 'ami-0123456789abcdef0'), 'prod', 'instances[1].ssmAgentVersion', /is required with "ami"/],
    ['a pinned image whose agent needs ec2messages', (c: any) => Object.assign(c.environments.prod.instances[1], { ami: 'ami-0123456789abcdef0', ssmAgentVersion: '3.2.582.0' }),
      'prod', 'instances[1].ssmAgentVersion', /3\.3\.40\.0 or later \(got "3\.2\.582\.0"\)/],
    ['an instance subnet outside the network', (c: any) => (c.environments.dev.instances[0].subnetId = 'subnet-0a1b2c3d'), 'dev', 'instances[0].subnetId', /not one of network.subnetIds/],
    ['an instance name with capitals', (c: any) => (c.environments.dev.instances[0].name = 'Tools'), 'dev', 'instances[0].name', /lower-case/],
    ['an instance without a type', (c: any) => delete c.environments.dev.instances[0].instanceType, 'dev', 'instances[0].instanceType', /is required/],
    ['an instance role policy that is neither managed nor minimal', (c: any) => (c.environments.prod.instanceRolePolicy = 'least'), 'prod', 'instanceRolePolicy', /must be "managed" or "minimal" \(got "least"\)/],
    ['a team tag with refused characters', (c: any) => (c.environments.dev.instances[0].team = 'a*b'), 'dev', 'instances[0].team', /may hold only/],
  ])('rejects %s, naming environment and field', (_what, breakIt, env, field, message) => {
    const raw = rawConfig();
    breakIt(raw);
    expectProblem(raw, `environment "${env}"`, field, message);
  });

  it('rejects environment names that cannot name a stack, and reserved ones', () => {
    const raw = rawConfig();
    raw.environments['Prod_EU'] = raw.environments.prod;
    raw.environments.bootstrap = raw.environments.dev;
    expectProblem(raw, 'environment "Prod_EU"', 'name', /lower-case/);
    expectProblem(raw, 'environment "bootstrap"', 'name', /reserved/);
  });

  it('rejects two instances of one environment with the same name', () => {
    const raw = rawConfig();
    raw.environments.staging.instances[1].name = raw.environments.staging.instances[0].name;
    expectProblem(raw, 'environment "staging"', 'instances[1].name', /names another instance/);
  });

  it('spreads instances without a subnet over the network subnets in turn', () => {
    const raw = rawConfig();
    raw.environments.dev.instances = ['a', 'b', 'c'].map((name) => ({ name, instanceType: 't3.micro', team: 'platform', accessGroup: 'developers' }));
    const dev = validateConfig(raw).environments.find((e) => e.name === 'dev')!;
    const [first, second] = raw.environments.dev.network.subnetIds;
    expect(dev.instances.map((i) => i.subnetId)).toEqual([first, second, first]);
    expect(dev.instances[0]).toMatchObject({ detailedMonitoring: false, tags: {} });
  });

  it('rejects two environments sharing one state object', () => {
    const raw = rawConfig();
    raw.environments.staging.state.key = 'ssm-session-kit/dev/terraform.tfstate';
    expectProblem(raw, 'environment "staging"', 'state.key', /already the state of environment "dev"/);
  });

  it('rejects state in the bootstrap bucket but in another region', () => {
    const raw = rawConfig();
    raw.environments.prod.state.region = 'us-east-1';
    expectProblem(raw, 'environment "prod"', 'state.region', /creates bucket .* in eu-west-1/);
  });

  it('checks the bootstrap section too', () => {
    const raw = rawConfig();
    raw.bootstrap.stateBucket = 'x';
    raw.bootstrap.stateKeyAlias = 'aws/s3';
    expectProblem(raw, 'bootstrap', 'stateBucket', /3 to 63/);
    expectProblem(raw, 'bootstrap', 'stateKeyAlias', /not in "aws\/"/);
  });

  it('rejects a config with no environment', () => {
    const raw = rawConfig();
    raw.environments = {};
    expectProblem(raw, 'config', 'environments', /at least one environment/);
  });

  it('reports every problem at once', () => {
    const raw = rawConfig();
    raw.environments.dev.accountId = 'abc';
    raw.environments.staging.region = 'mars-1';
    delete raw.environments.prod.state.bucket;
    const problems = problemsOf(raw);
    expect(problems.map((p) => `${p.scope} ${p.field}`)).toEqual([
      'environment "dev" accountId',
      'environment "staging" region',
      'environment "prod" state.bucket',
    ]);
  });

  it('formats the error with file, environment and field', () => {
    const raw = rawConfig();
    raw.environments.dev.accountId = 'abc';
    const file = writeConfig(raw);
    expect(() => loadConfig(file)).toThrow(/Invalid configuration in .*environments\.json \(1 problem\):\n  - environment "dev", field "accountId": must be a 12-digit AWS account id.*\(got "abc"\)/);
  });

  it('names the file when it is not JSON', () => {
    const file = writeConfig('');
    require('fs').writeFileSync(file, '{ "environments": ');
    expect(() => loadConfig(file)).toThrow(/field "\(file\)": is not valid JSON/);
  });

  it('names the line and column of a JSON error, such as a trailing comma', () => {
    const file = writeConfig('');
    require('fs').writeFileSync(file, '{\n  "bootstrap": {\n    "accountId": "000000000000",\n  },\n}');
    expect(() => loadConfig(file)).toThrow(/is not valid JSON: .* \(line 4, column 3\)/);
  });

  it('says a file is not JSON at all, from its first line, a YAML file say', () => {
    const file = writeConfig('');
    require('fs').writeFileSync(file, '# environments\nbootstrap:\n  accountId: "000000000000"\n');
    expect(() => loadConfig(file)).toThrow(/field "\(file\)": is not JSON: the config is one JSON object, and line 1 starts "# environments"/);
  });

  it('refuses a key given twice, which JSON.parse drops without a word, with both lines', () => {
    // A copied environment block: the first "dev" would be lost.
    const shipped = JSON.stringify(rawConfig(), null, 2);
    const copied = shipped.replace('"environments": {\n', '"environments": {\n    "dev": { "accountId": "111111111111" },\n');
    const file = writeConfig('');
    require('fs').writeFileSync(file, copied);
    const devLine = copied.split('\n').findIndex((l, i) => i > 3 && l.startsWith('    "dev": {\n'.slice(0, 11)) && !l.includes('accountId')) + 1;
    expect(() => loadConfig(file)).toThrow(new RegExp(`field "environments\\.dev": is given twice, on lines \\d+ and ${devLine}: keep one`));
  });
});

describe('the config fields (config/fields.ts)', () => {
  const group = f.strictObject({
    name: f.string(),
    why: f.string().nonEmpty().optional(),
    members: f.list(f.string()).nonEmpty('must be a non-empty list').default(['nobody']),
    wave: f.number().default(1),
    options: f.strictObject({ strict: f.boolean().default(false) }, 'is not an option').prefault({}),
  }, 'is not a field').check((ctx) => {
    if (ctx.value.name === ctx.value.why) ctx.issues.push({ message: 'explains itself', path: ['why'] });
  });

  it('fills in defaults, parsing a prefault, and leaves missing optional fields out', () => {
    expect(group.safeParse({ name: 'ops' })).toEqual({
      success: true, issues: [], data: { name: 'ops', members: ['nobody'], wave: 1, options: { strict: false } },
    });
  });

  it('gives each parse its own copy of a default', () => {
    const first = group.safeParse({ name: 'ops' });
    if (first.success) first.data.members.push('changed');
    expect(group.safeParse({ name: 'ops' }).data?.members).toEqual(['nobody']);
  });

  it('reports every problem at its path, a missing field as required', () => {
    expect(group.safeParse({ why: 3, members: [1, 'b'], options: { strict: 'yes' } }).issues).toEqual([
      { path: ['name'], message: 'is required' },
      { path: ['why'], message: 'must be a string (got number 3)' },
      { path: ['members', 0], message: 'must be a string (got number 1)' },
      { path: ['options', 'strict'], message: 'must be true or false (got "yes")' },
    ]);
  });

  it('runs an object\'s checks only when its fields have the right types, but despite an unknown field or an empty one', () => {
    expect(group.safeParse({ name: 3, why: 3 }).issues.map((i) => i.message)).not.toContain('explains itself');
    expect(group.safeParse({ name: 'a', why: 'a', extra: 1 }).issues).toEqual([
      { path: ['extra'], message: 'is not a field' },
      { path: ['why'], message: 'explains itself' },
    ]);
    expect(group.safeParse({ name: '', why: '' }).issues).toEqual([
      { path: ['why'], message: 'must not be empty' },
      { path: ['why'], message: 'explains itself' },
    ]);
    expect(group.safeParse({ name: 'a', members: [] }).issues).toEqual([{ path: ['members'], message: 'must be a non-empty list' }]);
  });

  it('describes itself as JSON Schema: required fields, defaults, bounds, no other fields', () => {
    expect(f.jsonSchemaDocument(group.meta({ description: 'a group' }))).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      description: 'a group',
      properties: {
        name: { type: 'string' },
        why: { type: 'string', minLength: 1 },
        members: { default: ['nobody'], type: 'array', items: { type: 'string' }, minItems: 1 },
        wave: { default: 1, type: 'number' },
        options: { default: {}, type: 'object', properties: { strict: { default: false, type: 'boolean' } }, additionalProperties: false },
      },
      required: ['name'],
      additionalProperties: false,
    });
    expect(f.dictionary(f.oneOf(['a', 'b'], 'must be a or b')).jsonSchema()).toEqual({ type: 'object', additionalProperties: { type: 'string', enum: ['a', 'b'] } });
    expect(f.dictionary(f.oneOf(['a', 'b'], 'must be a or b')).safeParse({ x: 'c', y: 'a' }).issues).toEqual([{ path: ['x'], message: 'must be a or b (got "c")' }]);
    expect(f.never('is replaced').optional().safeParse(true).issues).toEqual([{ path: [], message: 'is replaced' }]);
  });
});

describe('the trust chain in the config', () => {
  it("refuses a break-glass role trusting an account's root, naming the group and field", () => {
    const raw = rawConfig();
    raw.environments.prod.accessGroups['break-glass'].createRole.trustedArns = ['arn:aws:iam::000000000000:root'];
    expectProblem(raw, 'environment "prod"', 'accessGroups.break-glass.createRole.trustedArns[0]', /account's root: whoever administers that account/);
  });

  it('refuses an environment whose name would name a read-only state role', () => {
    const raw = rawConfig();
    raw.environments['prod-read'] = raw.environments.prod;
    delete raw.environments.prod;
    expectProblem(raw, 'environment "prod-read"', 'name', /ends in "-read", which names the read-only state roles/);
  });

  it("refuses the bootstrap stack's pipeline in another account, among the administrators, or administrators without it", () => {
    const raw = rawConfig();
    raw.bootstrap.pipelineRoleArn = 'arn:aws:iam::111111111111:role/ssm-session-kit-bootstrap-deploy';
    expectProblem(raw, 'bootstrap', 'pipelineRoleArn', /is a role of account 111111111111: the bootstrap stack is deployed in 000000000000/);
    const among = rawConfig();
    among.bootstrap.attachToRoles = ['ssm-session-kit-bootstrap-deploy'];
    expectProblem(among, 'bootstrap', 'attachToRoles[0]', /is the pipeline role/);
    const without = rawConfig();
    delete without.bootstrap.pipelineRoleArn;
    expectProblem(without, 'bootstrap', 'pipelineRoleArn', /is required with attachToRoles or attachToGroups/);
  });

  it('refuses names AWS keeps unique given twice: buckets anywhere, roles within an account', () => {
    // A copied environment block, renamed but for its bucket and a role named in full, in prod's account.
    const raw = rawConfig();
    raw.environments['prod-eu'] = JSON.parse(JSON.stringify(raw.environments.prod));
    expectProblem(raw, 'environment "prod-eu"', 'sessionLogging.bucketName', /"acme-ssm-sessions-prod-333333333333" is also environment "prod"'s sessionLogging\.bucketName: bucket names are global/);
    expectProblem(raw, 'environment "prod-eu"', 'accessGroups.ci-diagnostics.createRole.name', /"ssm-session-kit-prod-ci" is also environment "prod"'s accessGroups\.ci-diagnostics\.createRole\.name: role names are account 333333333333's/);
    // Names the stacks derive collide too: prod's group "eu-ops" and prod-eu's "ops" name one policy.
    const derived = rawConfig();
    derived.environments['prod-eu'] = JSON.parse(JSON.stringify(derived.environments.prod));
    derived.environments['prod-eu'].sessionLogging.bucketName = 'acme-ssm-sessions-prod-eu-333333333333';
    derived.environments.prod.accessGroups['eu-operators'] = derived.environments.prod.accessGroups.operators;
    expectProblem(derived, 'environment "prod-eu"', 'accessGroups.operators', /"ssm-session-kit-prod-eu-operators" is also environment "prod"'s accessGroups\.eu-operators: its policy's name, account 333333333333's/);
    const state = rawConfig();
    state.environments.dev.sessionLogging.bucketName = state.bootstrap.stateBucket;
    expectProblem(state, 'environment "dev"', 'sessionLogging.bucketName', /is also bootstrap's stateBucket/);
  });

  it("refuses an instance's Team or AccessGroup that no access group names, with the near miss", () => {
    const typo = rawConfig();
    const instance = typo.environments.staging.instances.find((i: { accessGroup?: string }) => i.accessGroup === 'operators');
    instance.accessGroup = 'operator';
    expectProblem(typo, 'environment "staging"', `instances.${instance.name}.accessGroup`, /"operator" is named by no access group, nor any group's instances\.accessGroup \(did you mean "operators"\?\)/);
    const team = rawConfig();
    team.environments.dev.instances[0].team = 'payments';
    expectProblem(team, 'environment "dev"', `instances.${team.environments.dev.instances[0].name}.team`, /"payments" is named by no access group's instances\.team \(they name "platform"/);
  });

  it("refuses the bootstrap stack's alerts without its pipeline, and an alert topic of another region for the state and the archive", () => {
    const without = rawConfig();
    delete without.bootstrap.pipelineRoleArn;
    without.bootstrap.attachToRoles = [];
    without.bootstrap.alerts = { emails: ['security@example.com'] };
    expectProblem(without, 'bootstrap', 'alerts', /alert only with pipelineRoleArn/);
    const elsewhere = rawConfig();
    elsewhere.bootstrap.alerts = { topicArn: 'arn:aws:sns:us-east-1:000000000000:security' };
    expectProblem(elsewhere, 'bootstrap', 'alerts.topicArn', /is in us-east-1: EventBridge rules in eu-west-1 publish only to a topic of their own region/);
    const archive = withLogArchive(rawConfig());
    archive.logArchive.alerts = { topicArn: 'arn:aws:sns:us-east-1:444444444444:security' };
    expectProblem(archive, 'log-archive', 'alerts.topicArn', /is in us-east-1/);
  });
});
