import { Testing, TerraformStack } from 'cdktf';
import { validateConfig } from '../config/validate';
import { stateReadRoleName, stateRoleName } from '../stacks/naming';
import { policySize } from '../modules/compliance';
import { generatedConfig } from '../scripts/lib/generated-config';
import { EVENT_PATTERN_MAX_CHARACTERS } from '../modules/session-alerts';
import { ALLOW_EVERYTHING, decide } from './iam-evaluation';
import type { ProjectConfig } from '../config/types';
import { BootstrapStack, createStacks } from '../stacks';
import { forwardDocumentName } from '../stacks/naming';
import { LockingS3Backend } from '../stacks/locking-s3-backend';
import { Json, only, policyStatements, rawConfig, resources } from './helpers';

function synthAll(config: ProjectConfig = validateConfig(rawConfig())): Record<string, Json> {
  const stacks = createStacks(Testing.app(), config);
  const all: TerraformStack[] = [stacks.bootstrap, ...stacks.environments];
  return Object.fromEntries(all.map((s) => [s.node.id, JSON.parse(Testing.synth(s, true))]));
}

describe('environment stacks', () => {
  const synthesized = synthAll();
  const config = validateConfig(rawConfig());

  it.each(['dev', 'staging', 'prod'])('%s keeps encrypted, S3-locked state under its own key', (name) => {
    const env = config.environments.find((e) => e.name === name)!;
    const backend = synthesized[name].terraform.backend;
    expect(Object.keys(backend)).toEqual(['s3']);
    expect(backend.s3).toEqual({
      bucket: 'acme-ssm-session-kit-tfstate',
      key: `ssm-session-kit/${name}/terraform.tfstate`,
      region: 'eu-west-1',
      encrypt: true,
      use_lockfile: true,
      kms_key_id: 'arn:aws:kms:eu-west-1:000000000000:alias/ssm-session-kit-tfstate',
      assume_role: { role_arn: env.state.roleArn },
    });
  });

  it('gives every environment a distinct state key', () => {
    const keys = ['dev', 'staging', 'prod'].map((n) => synthesized[n].terraform.backend.s3.key);
    expect(new Set(keys).size).toBe(3);
  });

  it.each(['dev', 'staging', 'prod'])('%s pins the provider to its account and tags everything', (name) => {
    const env = config.environments.find((e) => e.name === name)!;
    const [provider] = synthesized[name].provider.aws;
    expect(provider.allowed_account_ids).toEqual([env.accountId]);
    expect(provider.region).toBe(env.region);
    expect(provider.default_tags).toEqual([{ tags: { ManagedBy: 'ssm-session-kit', Environment: name, ...env.tags } }]);
    expect(synthesized[name].terraform.required_version).toBe('>= 1.10.0');
  });

  it('passes the optional state settings through, and nothing deprecated', () => {
    const raw = rawConfig();
    raw.environments.dev.state = {
      bucket: 'legacy-state',
      key: 'team/dev.tfstate',
      region: 'us-east-1',
      dynamodbTable: 'terraform-locks',
      kmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/0a1b2c3d-0000-4000-8000-000000000000',
    };
    const s3 = synthAll(validateConfig(raw)).dev.terraform.backend.s3;
    expect(s3).toEqual({
      bucket: 'legacy-state',
      key: 'team/dev.tfstate',
      region: 'us-east-1',
      encrypt: true,
      use_lockfile: true,
      dynamodb_table: 'terraform-locks',
      kms_key_id: raw.environments.dev.state.kmsKeyId,
    });
  });
});

describe('instances in every environment', () => {
  const synthesized = synthAll();
  const config = validateConfig(rawConfig());

  it.each(['dev', 'staging', 'prod'])('%s has one instance per configured one, tagged for access', (name) => {
    const env = config.environments.find((e) => e.name === name)!;
    const instances = resources(synthesized[name], 'aws_instance');
    expect(instances.map((i) => i.tags.Name).sort()).toEqual(env.instances.map((i) => i.name).sort());
    for (const spec of env.instances) {
      const instance = instances.find((i) => i.tags.Name === spec.name)!;
      expect(instance).toMatchObject({ instance_type: spec.instanceType, subnet_id: spec.subnetId, associate_public_ip_address: false });
      expect(instance.tags).toMatchObject({ Environment: name, Team: spec.team, AccessGroup: spec.accessGroup });
    }
  });

  it.each(['dev', 'staging', 'prod'])('%s admits nothing inbound to any instance', (name) => {
    const stack = synthesized[name];
    for (const group of resources(stack, 'aws_security_group')) expect(group.ingress).toBeUndefined();
    const instanceGroups = resources(stack, 'aws_instance').flatMap((i) => i.vpc_security_group_ids);
    for (const rule of resources(stack, 'aws_vpc_security_group_ingress_rule')) {
      expect(instanceGroups).not.toContain(rule.security_group_id);
      // Only the endpoints' group admits anything: HTTPS, from the VPC.
      expect(rule).toMatchObject({ ip_protocol: 'tcp', from_port: 443, to_port: 443 });
      expect(config.environments.find((e) => e.name === name)!.network.vpcCidrs).toContain(rule.cidr_ipv4);
    }
  });

  it('shares one role and instance profile per environment, named after it', () => {
    for (const name of ['dev', 'staging', 'prod']) {
      expect(only(synthesized[name], 'aws_iam_instance_profile').name).toBe(`ssm-session-kit-${name}-instance`);
      const roles = resources(synthesized[name], 'aws_iam_role').map((r) => r.name);
      expect(roles).toContain(`ssm-session-kit-${name}-instance`);
    }
  });

  it('creates VPC endpoints and Default Host Management only where configured', () => {
    expect(resources(synthesized.dev, 'aws_vpc_endpoint')).toEqual([]);
    expect(resources(synthesized.dev, 'aws_ssm_service_setting')).toEqual([]);
    for (const name of ['staging', 'prod']) {
      // ssm, ssmmessages, kms, logs and the S3 gateway: agents from 3.3.40.0 need no ec2messages.
      expect(resources(synthesized[name], 'aws_vpc_endpoint').map((e) => e.service_name.split('.').pop()).sort()).toEqual(['kms', 'logs', 's3', 'ssm', 'ssmmessages']);
      expect(only(synthesized[name], 'aws_ssm_service_setting').setting_value).toMatch(/^service-role\//);
    }
  });

  it('outputs instance ids, role and profile names, and a start-session command per instance', () => {
    const outputs = synthesized.staging.output;
    expect(Object.keys(outputs).sort()).toEqual([
      'alert_topic_arn', 'instance_ids', 'instance_profile_name', 'instance_role_name',
      'session_key_arn', 'session_log_bucket', 'session_log_group', 'start_session_commands',
    ]);
    expect(Object.keys(outputs.instance_ids.value).sort()).toEqual(['staging-db-admin', 'staging-tools']);
    expect(outputs.start_session_commands.value['staging-tools']).toMatch(/^aws ssm start-session --target \$\{aws_instance\.\S+\.id\} --document-name SSM-SessionManagerRunShell --region /);
  });
});

describe('LockingS3Backend', () => {
  it('can turn S3-native locking off', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new LockingS3Backend(stack, { bucket: 'b-state', key: 'k', useLockfile: false });
    expect(JSON.parse(Testing.synth(stack)).terraform.backend.s3).toEqual({ bucket: 'b-state', key: 'k', use_lockfile: false });
  });
});

describe('bootstrap stack', () => {
  const bootstrap = synthAll().bootstrap;

  it('keeps its own state locally, outside the synthesized folder', () => {
    expect(bootstrap.terraform.backend).toEqual({ local: { path: '../../../terraform.bootstrap.tfstate' } });
    expect(bootstrap.provider.aws[0].allowed_account_ids).toEqual(['000000000000']);
  });

  it('creates the state bucket protected from destroy, versioned and closed to the public', () => {
    const bucket = only(bootstrap, 'aws_s3_bucket');
    expect(bucket.bucket).toBe('acme-ssm-session-kit-tfstate');
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    expect(bucket.force_destroy).toBeUndefined();
    expect(only(bootstrap, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    expect(only(bootstrap, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
    expect(only(bootstrap, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
  });

  it('encrypts with its own rotating KMS key, also protected from destroy', () => {
    const key = resources(bootstrap, 'aws_kms_key').find((k) => k.description.startsWith('Encrypts Terraform state'));
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    expect(resources(bootstrap, 'aws_kms_alias').map((a) => a.name)).toContain('alias/ssm-session-kit-tfstate');
    const [rule] = only(bootstrap, 'aws_s3_bucket_server_side_encryption_configuration').rule;
    expect(rule.bucket_key_enabled).toBe(true);
    expect(rule.apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    expect(rule.apply_server_side_encryption_by_default.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.\S+\.arn\}$/);
  });

  it('denies any request without TLS', () => {
    const [statements] = policyStatements(bootstrap, 'aws_s3_bucket_policy');
    expect(statements).toContainEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [
        expect.stringMatching(/^arn:\$\{data\.aws_partition\.\S+\.partition\}:s3:::acme-ssm-session-kit-tfstate$/),
        expect.stringMatching(/^arn:\$\{data\.aws_partition\.\S+\.partition\}:s3:::acme-ssm-session-kit-tfstate\/\*$/),
      ],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });
});

describe('the bootstrap stack for 100 environments', () => {
  const config = validateConfig(generatedConfig(100));
  // The bootstrap stack alone: the environment stacks play no part in its bucket policy.
  const bootstrap = JSON.parse(Testing.synth(new BootstrapStack(Testing.app(), config.bootstrap, config.environments), true));
  const policy = only(bootstrap, 'aws_s3_bucket_policy').policy;
  const bucket = `arn:aws:s3:::${config.bootstrap.stateBucket}`;
  const inStateAccount = (role: string) => `arn:aws:iam::${config.bootstrap.accountId}:role/${role}`;
  const read = (principal: string, key: string) => decide({
    principal, action: 's3:GetObject', resource: `${bucket}/${key}`, resourceAccount: config.bootstrap.accountId,
    identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_EVERYTHING }],
    resourcePolicy: JSON.parse(policy.replace(/\$\{data\.aws_partition\.[^}]+\}/g, 'aws')),
    context: { 'aws:PrincipalArn': principal },
  });

  it('keeps the state bucket policy within S3\'s 20 KB, naming each state role by its ARN', () => {
    expect(policySize(policy)).toBeLessThanOrEqual(20_480);
    expect(policySize(policy)).toBeGreaterThan(200 * 'arn:aws:iam::000000000000:role/ssm-session-kit-state-env1'.length);
    expect(resources(bootstrap, 'aws_iam_role').length).toBeGreaterThanOrEqual(200);
  });

  it("keeps the trust chain's patterns within EventBridge's size, however many state roles there are", () => {
    // Terraform's references at their longest values: a partition, a region, an account, an ARN.
    const longest = (reference: string) => (/partition/.test(reference) ? 'aws-us-gov' : /region/.test(reference) ? 'ap-southeast-2' : /account_id/.test(reference) ? '000000000000' : 'x'.repeat(90));
    const rules = resources(bootstrap, 'aws_cloudwatch_event_rule').filter((r) => /trust-chain/.test(r.name));
    expect(rules.length).toBeGreaterThanOrEqual(2);
    for (const rule of rules) {
      const size = String(rule.event_pattern).replace(/\$\{[^}]+\}/g, longest).length;
      expect({ rule: rule.name, within: size <= EVENT_PATTERN_MAX_CHARACTERS }).toEqual({ rule: rule.name, within: true });
    }
  });

  it('lets the state roles, and nobody else, read a state object', async () => {
    const env = config.environments[49];
    expect(await read(inStateAccount(stateRoleName(env.name)), env.state.key)).toBe('Allowed');
    expect(await read(inStateAccount(stateReadRoleName(env.name)), env.state.key)).toBe('Allowed');
    expect(await read(inStateAccount('Administrators'), env.state.key)).toBe('ExplicitlyDenied');
    // A role named like a state role, which the config does not declare, reads nothing.
    expect(await read(inStateAccount(stateRoleName('env101')), env.state.key)).toBe('ExplicitlyDenied');
    expect(await read(inStateAccount(stateRoleName('x')), env.state.key)).toBe('ExplicitlyDenied');
    expect(await read(`arn:aws:iam::${env.accountId}:role/ssm-session-kit-deploy`, env.state.key)).toBe('ExplicitlyDenied');
  });
});

describe('run-as users on the instances', () => {
  /** The users each instance's cloud-config creates, by Name tag. */
  const usersByInstance = (stack: Json): Record<string, string[]> => Object.fromEntries(resources(stack, 'aws_instance').map((i) => [
    i.tags.Name,
    JSON.parse(i.user_data.slice('#cloud-config\n'.length)).users.filter((u: any) => typeof u === 'object').map((u: any) => u.name),
  ]));

  it("creates prod's default run-as user on every prod instance, and no user where run-as is off", () => {
    const synthesized = synthAll();
    expect(usersByInstance(synthesized.prod)).toEqual({ 'prod-tools': ['ssm-operator'], 'prod-db-admin': ['ssm-operator'] });
    expect(Object.values(usersByInstance(synthesized.dev)).flat()).toEqual([]);
  });

  it("adds a new group's run-as user to exactly the instances the group reaches", () => {
    const raw = rawConfig();
    raw.environments.prod.accessGroups.dba = {
      instances: { team: ['data'] }, runAsUser: 'dba', mfa: 'iam', createRole: { trustedArns: ['arn:aws:iam::000000000000:root'] },
    };
    const prod = synthAll(validateConfig(raw)).prod;
    const reached = validateConfig(raw).environments.find((e) => e.name === 'prod')!.instances.filter((i) => i.team === 'data').map((i) => i.name);
    expect(reached.length).toBeGreaterThan(0);
    for (const [instance, users] of Object.entries(usersByInstance(prod))) {
      expect({ instance, dba: users.includes('dba') }).toEqual({ instance, dba: reached.includes(instance) });
    }
  });
});

describe('forwardDocumentName', () => {
  it('names the destination, and hashes a host too long for a document name (128 characters, "CreateDocument": Name)', () => {
    expect(forwardDocumentName('ssm-session-kit-prod', { host: 'db.internal', port: 5432 })).toBe('ssm-session-kit-prod-forward-db.internal-5432');
    const longHost = `${'a'.repeat(60)}.${'b'.repeat(60)}.example`;
    const name = forwardDocumentName('ssm-session-kit-prod', { host: longHost, port: 5432 });
    expect(name).toMatch(/^ssm-session-kit-prod-forward-[0-9a-f]{12}-5432$/);
    expect(forwardDocumentName('ssm-session-kit-prod', { host: `${longHost}x`, port: 5432 })).not.toBe(name);
  });
});
