import { loadConfig } from '../../config/load';
import { isAuditTrail } from '../../scripts/drift-report';
import { stackMatrix } from '../../scripts/stack-matrix';
import { DeployWalk } from '../support/deploy-walk';
import { withIdentityCenter } from '../support/identity-center-config';
import { withLogArchive } from '../support/log-archive-config';

/**
 * README, "Remote state: bootstrap first" and "Deploy from a CI pipeline", applied against the AWS
 * emulator: what no plan can show (apply order, values the API refuses, reads after create, perpetual
 * diffs, replacements, destroy). `npm run test:deploy`; not part of `npm test` (minutes, not seconds).
 */
jest.setTimeout(20 * 60_000);

let walk: DeployWalk;
let waves: string[][];
let stacks: string[];

beforeAll(async () => {
  // With a central log archive (staging and prod write their transcripts to it, dev keeps its own) and
  // Identity Center's permission sets for dev's developers and prod's engineers.
  walk = await DeployWalk.open((config) => withIdentityCenter(withLogArchive(config)));
  walk.synth();
  const matrix = stackMatrix(loadConfig(walk.configFile));
  waves = matrix.waves.map((w) => w.stacks.map((e) => e.stack));
  stacks = ['bootstrap', 'log-archive', ...matrix.all.map((e) => e.stack), 'organization', 'identity-center'];
});

afterAll(async () => {
  await walk?.close();
});

test('1. bootstrap with local state, then every stack through the S3 backend, wave by wave', async () => {
  await walk.deploy('bootstrap');
  // The archive before the environments that write to it (README, "A central log archive").
  await walk.deploy('log-archive');
  for (const wave of waves) await Promise.all(wave.map((s) => walk.deploy(s)));
  await walk.deploy('organization');
  // After the environments, whose guardrail boundary the permission sets name.
  await walk.deploy('identity-center');
  // Every stack's state is in the bucket the bootstrap created, and no lock file is left behind.
  const { bootstrap } = loadConfig(walk.configFile);
  const listed = walk.aws(bootstrap.accountId, bootstrap.region, 's3', 'list_objects_v2', { Bucket: bootstrap.stateBucket });
  const keys = (listed.Contents ?? []).map((o: { Key: string }) => o.Key).sort();
  expect(keys).toEqual(stacks.filter((s) => s !== 'bootstrap').map((s) => `ssm-session-kit/${s}/terraform.tfstate`).sort());
  // prod's sessions are recorded into its part of the archive, in the archive's account.
  const { logArchive } = loadConfig(walk.configFile);
  const prod = walk.config('prod');
  const preferences = JSON.parse(walk.aws(prod.accountId, prod.region, 'ssm', 'get_document', { Name: 'SSM-SessionManagerRunShell' }).Content).inputs;
  expect(preferences).toMatchObject({ s3BucketName: logArchive!.bucketName, s3KeyPrefix: 'prod', s3EncryptionEnabled: true });
  const lock = walk.aws(logArchive!.accountId, logArchive!.region, 's3', 'get_object_lock_configuration', { Bucket: logArchive!.bucketName });
  expect(lock.ObjectLockConfiguration.Rule.DefaultRetention).toMatchObject({ Mode: 'COMPLIANCE', Days: 365 });
  // The permission sets, and prod's engineers' groups assigned in prod's account.
  const { identityCenter } = loadConfig(walk.configFile);
  const sso = (operation: string, parameters: object) => walk.aws(identityCenter!.accountId, identityCenter!.region, 'sso-admin', operation, parameters);
  const instance = sso('list_instances', {}).Instances[0].InstanceArn;
  const sets = sso('list_permission_sets', { InstanceArn: instance }).PermissionSets as string[];
  const names = sets.map((arn) => sso('describe_permission_set', { InstanceArn: instance, PermissionSetArn: arn }).PermissionSet.Name).sort();
  expect(names).toEqual(['ProdEngineers', 'dev-developers']);
  const engineers = sets.find((arn) => sso('describe_permission_set', { InstanceArn: instance, PermissionSetArn: arn }).PermissionSet.Name === 'ProdEngineers');
  const assigned = sso('list_account_assignments', { InstanceArn: instance, AccountId: prod.accountId, PermissionSetArn: engineers }).AccountAssignments;
  expect(assigned.map((a: any) => a.PrincipalType)).toEqual(['GROUP', 'GROUP']);
});

test('2. a second plan of every stack has no changes', async () => {
  expect(await changedStacks(stacks)).toEqual([]);
});

/** Step 2's check: the stacks whose plan has changes, each with the plan. */
async function changedStacks(names: readonly string[]): Promise<string[]> {
  const changed: string[] = [];
  for (const stack of names) {
    await walk.init(stack);
    const plan = await walk.plan(stack);
    if (plan.code !== 0) changed.push(`${stack}:\n${plan.text}`);
  }
  return changed;
}

/**
 * Step 3's apply: every stack with changes planned and, unless its plan would replace or destroy an
 * audit-trail resource, applied. Returns those replacements and removals.
 */
async function applyChanges(names: readonly string[]): Promise<string[]> {
  const removals: string[] = [];
  for (const stack of names) {
    await walk.init(stack);
    if ((await walk.plan(stack)).code === 0) continue;
    const found = auditTrailRemovals(await walk.showPlan(stack)).map((r) => `${stack}: ${r}`);
    removals.push(...found);
    if (found.length > 0) continue;
    await walk.init(stack);
    await walk.run(stack, 'apply', ['apply', '-input=false', 'tfplan']);
  }
  return removals;
}

/** The audit trail's resources a saved plan would replace or destroy. */
function auditTrailRemovals(plan: any): string[] {
  return (plan.resource_changes ?? [])
    .filter((rc: any) => rc.change.actions.includes('delete') && isAuditTrail(rc.address))
    .map((rc: any) => `${rc.change.actions.join('/')} ${rc.address}`);
}

test('3. a config change users make applies without replacing or destroying any audit-trail resource', async () => {
  walk.synth((config) => {
    const dev = config.environments.dev;
    dev.instances.push({ name: 'dev-batch', instanceType: 't3.small', team: 'data', accessGroup: 'developers' });
    dev.fleets = [{ name: 'workers', instanceType: 't3.micro', minSize: 1, maxSize: 2, team: 'data', accessGroup: 'developers' }];
    dev.accessGroups.auditors = {
      instances: { team: ['data'] },
      documents: ['SSM-SessionManagerRunShell'],
      createRole: { trustedArns: [`arn:aws:iam::${config.bootstrap.accountId}:root`] },
    };
    dev.alerts = { emails: ['oncall@example.com'] };
    for (const env of Object.values<any>(config.environments)) env.sessionLogging.idleSessionTimeoutMinutes -= 5;
  });
  expect(await applyChanges(stacks)).toEqual([]);

  const dev = walk.config('dev');
  const names = walk.aws(dev.accountId, dev.region, 'ec2', 'describe_instances', { Filters: [{ Name: 'tag:Name', Values: ['dev-batch'] }] });
  expect(names.Reservations.flatMap((r: any) => r.Instances.map((i: any) => i.State.Name))).toEqual(['running']);
  const preferences = JSON.parse(walk.aws(dev.accountId, dev.region, 'ssm', 'get_document', { Name: 'SSM-SessionManagerRunShell' }).Content);
  expect(preferences.inputs.idleSessionTimeout).toBe('25');
  const role = walk.aws(dev.accountId, dev.region, 'iam', 'list_roles', {}).Roles.map((r: any) => r.RoleName);
  expect(role).toContain('ssm-session-kit-dev-auditors');
  const topics = walk.aws(dev.accountId, dev.region, 'sns', 'list_subscriptions', {}).Subscriptions.map((s: any) => s.Endpoint);
  expect(topics).toContain('oncall@example.com');
  const fleet = () => walk.aws(dev.accountId, dev.region, 'autoscaling', 'describe_auto_scaling_groups', { AutoScalingGroupNames: ['ssm-session-kit-dev-workers'] }).AutoScalingGroups[0];
  expect(fleet().Instances.map((i: any) => i.LifecycleState)).toEqual(['InService']);
  expect(await changedStacks(stacks)).toEqual([]);

  // The fleet's instance type changed: a new template version and a refresh, no audit-trail resource replaced.
  walk.synth((config) => { config.environments.dev.fleets[0].instanceType = 't3.small'; });
  expect(await applyChanges(stacks)).toEqual([]);
  const version = fleet().LaunchTemplate.Version;
  const template = walk.aws(dev.accountId, dev.region, 'ec2', 'describe_launch_template_versions', { LaunchTemplateName: 'ssm-session-kit-dev-workers', Versions: [version] });
  expect(template.LaunchTemplateVersions[0].LaunchTemplateData.InstanceType).toBe('t3.small');
  expect(await changedStacks(stacks)).toEqual([]);
});

test('4. drift in the log group, the bucket policy, the preferences document and an endpoint policy is reported as audit-trail drift', async () => {
  const { accountId, region } = walk.config('dev');
  const outputs = await walk.outputs('dev');
  walk.aws(accountId, region, 'logs', 'put_retention_policy', { logGroupName: outputs.session_log_group, retentionInDays: 1 });
  walk.aws(accountId, region, 's3', 'put_bucket_policy', {
    Bucket: outputs.session_log_bucket,
    Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${outputs.session_log_bucket}/*` }] }),
  });
  const document = 'SSM-SessionManagerRunShell';
  const preferences = JSON.parse(walk.aws(accountId, region, 'ssm', 'get_document', { Name: document }).Content);
  preferences.inputs.s3BucketName = '';
  preferences.inputs.cloudWatchLogGroupName = '';
  const updated = walk.aws(accountId, region, 'ssm', 'update_document', { Name: document, Content: JSON.stringify(preferences), DocumentVersion: '$LATEST' });
  walk.aws(accountId, region, 'ssm', 'update_document_default_version', { Name: document, DocumentVersion: updated.DocumentDescription.DocumentVersion });

  // drift.yml: the plan role, the state read through the read-only state role, then drift-report.
  const entry = stackMatrix(loadConfig(walk.configFile)).all.find((e) => e.stack === 'dev')!;
  await walk.init('dev', 'plan', entry.stateReadRoleArn);
  expect((await walk.plan('dev', 'plan')).code).toBe(2);
  const report = walk.driftReport('dev', (await walk.run('dev', 'show', ['show', '-json', 'tfplan'], 'plan')).stdout);
  expect(report.status).toBe(1);
  for (const type of ['aws_cloudwatch_log_group', 'aws_s3_bucket_policy', 'aws_ssm_document']) {
    expect(report.stdout).toMatch(new RegExp(`^  update ${type}\\.session-logging_\\S+  \\(audit trail\\)$`, 'm'));
  }
  expect(report.stdout).toContain('::error title=Audit-trail drift::dev');

  // The way out: an endpoint policy that refuses only the uploads (staging records through endpoints).
  const staging = walk.config('staging');
  const endpoints = walk.aws(staging.accountId, staging.region, 'ec2', 'describe_vpc_endpoints', {}).VpcEndpoints as any[];
  const logsEndpoint = endpoints.find((e) => e.ServiceName === `com.amazonaws.${staging.region}.logs`);
  walk.aws(staging.accountId, staging.region, 'ec2', 'modify_vpc_endpoint', {
    VpcEndpointId: logsEndpoint.VpcEndpointId,
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }, { Effect: 'Deny', Principal: '*', Action: 'logs:PutLogEvents', Resource: '*' },
    ] }),
  });
  const stagingEntry = stackMatrix(loadConfig(walk.configFile)).all.find((e) => e.stack === 'staging')!;
  await walk.init('staging', 'plan', stagingEntry.stateReadRoleArn);
  expect((await walk.plan('staging', 'plan')).code).toBe(2);
  const stagingReport = walk.driftReport('staging', (await walk.run('staging', 'show', ['show', '-json', 'tfplan'], 'plan')).stdout);
  expect(stagingReport.stdout).toMatch(/^  update aws_vpc_endpoint\.ssm-endpoints_logs_\S+  \(audit trail\)$/m);
  expect(stagingReport.stdout).toContain('::error title=Audit-trail drift::staging');

  await walk.deploy('dev');
  await walk.deploy('staging');
  expect(await changedStacks(['dev', 'staging'])).toEqual([]);
});

test('5. destroy is refused for the audit trail; the decommissioning procedure removes the rest', async () => {
  const stack = 'prod';
  const { accountId, region } = walk.config(stack);
  const outputs = await walk.outputs(stack);
  await walk.init(stack);
  const refused = await walk.run(stack, 'plan -destroy', ['plan', '-destroy', '-input=false', '-out=destroy.tfplan'], 'deploy', [1]);
  // Terraform names the protected resources it reaches first in destroy order; a key, destroyed after
  // what it encrypts, is refused by the replacement test below (step 6).
  const named = [...refused.stderr.matchAll(/Resource\s+(\S+)\s+has\s+lifecycle\.prevent_destroy\s+set/g)].map((m) => m[1]);
  expect(named).toEqual(expect.arrayContaining(['aws_s3_bucket', 'aws_cloudwatch_log_group'].map((t) => expect.stringMatching(`^${t}\\.session-logging_`))));
  expect(walk.preventDestroy(stack)).toEqual(expect.arrayContaining(named));

  // Object lock (COMPLIANCE): a transcript cannot be deleted, not even by the account's administrator.
  const transcript = walk.aws(accountId, region, 's3', 'put_object', { Bucket: outputs.session_log_bucket, Key: 'sessions/i-0/transcript.log', Body: 'session output' });
  expect(() => walk.aws(accountId, region, 's3', 'delete_object', { Bucket: outputs.session_log_bucket, Key: 'sessions/i-0/transcript.log', VersionId: transcript.VersionId }))
    .toThrow(/AccessDenied/);

  // README, "Decommission an environment".
  const retained = walk.retainedResources(stack);
  await walk.run(stack, 'state rm', ['state', 'rm', ...retained]);
  await walk.run(stack, 'plan -destroy', ['plan', '-destroy', '-input=false', '-out=destroy.tfplan']);
  await walk.run(stack, 'apply', ['apply', '-input=false', 'destroy.tfplan']);
  expect((await walk.run(stack, 'state list', ['state', 'list'])).stdout.trim()).toBe('');

  const instances = walk.aws(accountId, region, 'ec2', 'describe_instances', {}).Reservations.flatMap((r: any) => r.Instances);
  expect(instances.map((i: any) => i.State.Name)).toEqual(instances.map(() => 'terminated'));
  expect(walk.aws(accountId, region, 'logs', 'describe_log_groups', { logGroupNamePrefix: outputs.session_log_group }).logGroups).toHaveLength(1);
  expect(walk.aws(accountId, region, 'kms', 'describe_key', { KeyId: outputs.session_key_arn }).KeyMetadata.KeyState).toBe('Enabled');
  expect(walk.aws(accountId, region, 's3', 'get_object_lock_configuration', { Bucket: outputs.session_log_bucket }).ObjectLockConfiguration.Rule.DefaultRetention.Mode).toBe('COMPLIANCE');
});

describe('6. seeded regressions: the walk catches them', () => {
  test('a resource the provider reads back otherwise than configured (a perpetual diff) fails step 2', async () => {
    // Inline `egress = []` beside a separate egress rule resource: each apply removes the other's rule
    // (the provider's aws_security_group page warns against mixing the two).
    walk.editStack('dev', (stack) => {
      for (const group of Object.values<any>(stack.resource.aws_security_group)) group.egress = [];
    });
    expect(await applyChanges(['dev'])).toEqual([]);
    expect(await changedStacks(['dev'])).toEqual([expect.stringMatching(/aws_vpc_security_group_egress_rule\.\S+ will be created/)]);
  });

  test('a change that replaces the session key fails step 3', async () => {
    const key = (stack: any) => Object.entries<any>(stack.resource.aws_kms_key).find(([name]) => name.startsWith('session-logging_key_'))![1];
    walk.editStack('dev', (stack) => { key(stack).multi_region = true; });
    await expect(applyChanges(['dev'])).rejects.toThrow(/dev: plan: [\s\S]*lifecycle\.prevent_destroy/);
    walk.editStack('dev', (stack) => { delete key(stack).lifecycle; });
    expect(await applyChanges(['dev'])).toEqual([expect.stringMatching(/^dev: (create\/delete|delete\/create) aws_kms_key\.session-logging_key_/)]);
  });
});
