import * as fs from 'fs';
import * as path from 'path';
import { StackValidation, STACK_FILE } from '../scripts/lib/offline-validation';
import { SHIPPED_STACKS, shippedPlans } from './support/shipped-plans';
import { PlainTerraformRun } from './support/plain-terraform';
import { spawnSync } from 'child_process';
import { MIRROR_VARIABLE, pluginCacheDir } from '../scripts/lib/terraform';
import { tempDir } from './helpers';

// Real Terraform plans with the real AWS provider: minutes on a cold plugin cache.
jest.setTimeout(10 * 60_000);

const STACKS = SHIPPED_STACKS;
let outdir: string;
let results: StackValidation[];
let all: StackValidation[];
let wrongAccount: StackValidation;
let deprecated: StackValidation;
let broken: StackValidation;
let plainTerraform: PlainTerraformRun;

beforeAll(async () => {
  ({ outdir, all, results, wrongAccount, plainTerraform } = await shippedPlans());
  const byName = (name: string) => all.find((r) => r.stack === name)!;
  [deprecated, broken] = [byName('legacy'), byName('broken')];
});

describe('plain Terraform on a synthesized stack (README, "Plain Terraform")', () => {
  it('initializes and plans to a saved plan file, without error or warning', () => {
    expect(plainTerraform.codes).toEqual([0, 0]);
    expect(plainTerraform.init).toMatch(/Terraform has been successfully initialized!/);
    expect(plainTerraform.plan).not.toMatch(/Warning:/);
    // From a filesystem mirror the lock file holds this platform's checksum only; init says so.
    for (const warning of plainTerraform.init.match(/Warning: .*/g) ?? []) expect(warning).toBe('Warning: Incomplete lock file information for providers');
    // The saved plan, which `terraform apply tfplan` applies as reviewed.
    expect(fs.existsSync(path.join(plainTerraform.stack, 'tfplan'))).toBe(true);
  });

  it('plans every resource of the stack, which apply would create', () => {
    const resources = Object.values<Record<string, unknown>>(JSON.parse(fs.readFileSync(path.join(plainTerraform.stack, 'cdk.tf.json'), 'utf8')).resource)
      .reduce((n, byName) => n + Object.keys(byName).length, 0);
    expect(plainTerraform.plan).toMatch(new RegExp(`Plan: ${resources} to add, 0 to change, 0 to destroy`));
  });
});

function plannedResources(result: StackValidation): Array<{ type: string; actions: string[]; after: any }> {
  const plan = JSON.parse(fs.readFileSync(result.planFile!, 'utf8'));
  return (plan.resource_changes ?? []).map((rc: any) => ({ type: rc.type, actions: rc.change.actions, after: rc.change.after }));
}

describe('offline validation of every synthesized stack', () => {
  it('covers every stack', () => {
    expect(all.map((r) => r.stack).sort()).toEqual([...STACKS, 'broken', 'legacy'].sort());
  });

  it("matches the guide's sample output, stack by stack, in what each plan adds, changes and destroys", () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'docs', 'offline-validation.md'), 'utf8');
    const sample = /<!-- sample: npm run validate -->\n```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const changes = (line: string) => line.replace(/\s+\d+\.\ds/, '').replace(/\s+/g, ' ');
    const actual = results.map((r) => `ok ${r.stack} ${r.changes!.add} to add, ${r.changes!.change} to change, ${r.changes!.destroy} to destroy`);
    expect(sample.trim().split('\n').map(changes)).toEqual([...actual, `${results.length} passed, 0 failed`]);
  });

  it('plans each with no error and no warning', () => {
    for (const result of results) {
      expect({ stack: result.stack, diagnostics: result.diagnostics }).toEqual({ stack: result.stack, diagnostics: [] });
      expect(result.ok).toBe(true);
    }
  });

  it('plans the state bucket, its key and a state role per stack in the bootstrap stack', () => {
    const bootstrap = results.find((r) => r.stack === 'bootstrap')!;
    const planned = plannedResources(bootstrap);
    expect(planned.map((r) => r.type).sort()).toEqual([
      // Per stack a state role (organization included), per environment a read-only one for its plan role;
      // the state's guardrail (deny policies, boundary) attached to the bootstrap account's administrators;
      // its alerts (topic, key, trail, and the rules of the state and the trust chain, forwarded from us-east-1).
      'aws_cloudtrail', ...Array(8).fill('aws_cloudwatch_event_rule'), ...Array(8).fill('aws_cloudwatch_event_target'),
      ...Array(3).fill('aws_iam_policy'), ...Array(8).fill('aws_iam_role'), ...Array(8).fill('aws_iam_role_policy'), ...Array(2).fill('aws_iam_role_policy_attachment'),
      'aws_kms_alias', 'aws_kms_alias', 'aws_kms_key', 'aws_kms_key', 'aws_s3_bucket', 'aws_s3_bucket_ownership_controls', 'aws_s3_bucket_policy',
      'aws_s3_bucket_public_access_block', 'aws_s3_bucket_server_side_encryption_configuration', 'aws_s3_bucket_versioning',
      'aws_sns_topic', 'aws_sns_topic_policy',
    ]);
    expect(planned.every((r) => r.actions.join() === 'create')).toBe(true);
    const bucket = planned.find((r) => r.type === 'aws_s3_bucket')!;
    expect(bucket.after.tags_all).toMatchObject({ ManagedBy: 'ssm-session-kit', Owner: 'platform-team' });
    const policy = JSON.parse(planned.find((r) => r.type === 'aws_s3_bucket_policy')!.after.policy);
    expect(policy.Statement[0]).toMatchObject({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it.each(['dev', 'staging', 'prod'])('plans the %s instances on the latest Amazon Linux, with role, profile and security groups', (name) => {
    const planned = plannedResources(results.find((r) => r.stack === name)!);
    const instances = planned.filter((r) => r.type === 'aws_instance');
    expect(instances.length).toBeGreaterThan(0);
    for (const instance of instances) {
      // Resolved at plan time from the public SSM parameter, answered here by the stand-in.
      expect(instance.after.ami).toMatch(/^ami-[0-9a-f]{17}$/);
      expect(instance.after.metadata_options[0].http_tokens).toBe('required');
      expect(instance.after.associate_public_ip_address).toBe(false);
      expect(instance.after.iam_instance_profile).toBe(`ssm-session-kit-${name}-instance`);
    }
    const types = new Set(planned.map((r) => r.type));
    for (const type of ['aws_iam_role', 'aws_iam_instance_profile', 'aws_security_group', 'aws_vpc_security_group_egress_rule']) {
      expect(types).toContain(type);
    }
    if (name !== 'dev') expect(planned.filter((r) => r.type === 'aws_vpc_endpoint')).toHaveLength(5); // ssm, ssmmessages, kms, logs, s3: no ec2messages for agents from 3.3.40.0
  });

  it('never writes into the synthesized output', () => {
    for (const stack of STACKS) {
      expect(fs.readdirSync(path.join(outdir, 'stacks', stack))).toEqual(['cdk.tf.json']);
      const synthesized = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, STACK_FILE), 'utf8'));
      expect(synthesized.terraform.backend).toBeDefined();
      expect(synthesized.provider.aws[0].access_key).toBeUndefined();
    }
    // The test-only changes (no backend, placeholder keys) are in the scratch copies.
    for (const r of results) {
      const copy = JSON.parse(fs.readFileSync(path.join(path.dirname(r.planFile!), STACK_FILE), 'utf8'));
      expect(copy.terraform.backend).toBeUndefined();
      expect(copy.provider.aws[0].access_key).toMatch(/^OFFLINEVALIDATION\d+$/);
    }
  });

  it('fails a stack whose plan succeeds with a warning, reporting the warning once', () => {
    expect(deprecated.planFile).toBeDefined();
    expect(deprecated.ok).toBe(false);
    expect(deprecated.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', summary: 'Argument is deprecated', address: 'aws_s3_bucket.logs' }),
    ]);
  });

  it('fails only the broken stack among valid ones planned in the same process, with its own diagnostic', () => {
    expect(broken.ok).toBe(false);
    expect(broken.planFile).toBeUndefined();
    expect(broken.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        summary: expect.stringMatching(/^expected retention_in_days to be one of \[.*\], got 13$/),
        address: 'aws_cloudwatch_log_group.sessions',
      }),
    ]);
    expect(all.filter((r) => !r.ok).map((r) => r.stack).sort()).toEqual(['broken', 'legacy']);
    for (const result of results) expect(result.changes!.add).toBeGreaterThan(0);
  });

  it("refuses to plan a stack with another account's credentials", () => {
    expect(wrongAccount.ok).toBe(false);
    expect(wrongAccount.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'error', summary: expect.stringMatching(/account ID not allowed: 111111111111/) }),
    );
  });
});

describe('the AWS provider, once found', () => {
  it('serves every later command from the plugin cache, with neither the mirror named nor the registry in reach', () => {
    // The mirror the suite runs with, else the cache the registry filled: either holds the provider now.
    const source = process.env[MIRROR_VARIABLE] ?? pluginCacheDir();
    const cacheHome = tempDir('plugin-cache');
    const validate = (extra: NodeJS.ProcessEnv) => spawnSync('node', ['--require', './scripts/transpile-hook.cjs', 'scripts/validate.ts', 'dev'], {
      cwd: path.resolve(__dirname, '..'), encoding: 'utf8', timeout: 300_000,
      // A proxy that refuses every connection keeps Terraform from the registry.
      env: { ...withoutVariable(process.env, MIRROR_VARIABLE), XDG_CACHE_HOME: cacheHome, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', ...extra },
    });
    const unfound = validate({});
    expect(unfound.status).not.toBe(0);
    expect(validate({ [MIRROR_VARIABLE]: source }).status).toBe(0);
    const later = validate({});
    expect({ status: later.status, out: later.stdout }).toEqual({ status: 0, out: expect.stringMatching(/^ok\s+dev\s/m) });
  }, 10 * 60_000);
});

describe('npm run validate -- --changed', () => {
  it('plans only the stack a change touches, from the synthesis the comparison made', () => {
    const root = path.resolve(__dirname, '..');
    const repo = path.join(tempDir('validate-changed'), 'repo');
    spawnSync('git', ['clone', '--quiet', '--no-hardlinks', root, repo]);
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(repo, 'node_modules'), 'dir');
    const file = path.join(repo, 'config', 'environments.json');
    const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    raw.environments.staging.sessionLogging.idleSessionTimeoutMinutes = 25;
    fs.writeFileSync(file, JSON.stringify(raw, null, 2));
    const run = spawnSync('node', ['--require', './scripts/transpile-hook.cjs', 'scripts/validate.ts', '--changed', 'HEAD'], { cwd: repo, encoding: 'utf8', timeout: 300_000 });
    expect({ status: run.status, planned: run.stdout.match(/^(ok|FAIL)\s+\S+/gm) }).toEqual({ status: 0, planned: [expect.stringMatching(/^ok\s+staging$/)] });
    // It writes nothing into the clone but the edit.
    expect(spawnSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' }).stdout.trim()).toBe('M config/environments.json');
  }, 10 * 60_000);
});

function withoutVariable(env: NodeJS.ProcessEnv, name: string): NodeJS.ProcessEnv {
  const { [name]: _removed, ...rest } = env;
  return rest;
}
