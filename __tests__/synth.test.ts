import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runSynth } from '../scripts/lib/synth';
import { rawConfig, tempDir, writeConfig } from './helpers';

const ROOT = path.resolve(__dirname, '..');
const STACKS = ['bootstrap', 'dev', 'organization', 'prod', 'staging'];

/** The caller's environment without any AWS credentials or settings: synth must not need them. */
function withoutAws(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return { ...env, CHECKPOINT_DISABLE: '1', ...extra };
}

function synthesizedStacks(outdir: string): string[] {
  return fs.readdirSync(path.join(outdir, 'stacks')).sort();
}

function brokenConfigFile(): string {
  const raw = rawConfig();
  raw.environments.dev.accountId = '1234';
  raw.environments.staging.region = 'eu-west-9';
  delete raw.environments.prod.state.bucket;
  return writeConfig(raw);
}

const EXPECTED_PROBLEMS = [
  /environment "dev", field "accountId": must be a 12-digit AWS account id/,
  /environment "staging", field "region": is not an AWS region/,
  /environment "prod", field "state\.bucket": is required/,
];

describe('npm run synth', () => {
  it('runs the same app command as cdktf synth', () => {
    const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const { app } = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
    expect(scripts.synth).toBe(app);
  });

  it('writes every stack with no AWS credentials', () => {
    const outdir = path.join(tempDir('synth'), 'out');
    const run = runSynth(outdir, withoutAws());
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(synthesizedStacks(outdir)).toEqual(STACKS);
    for (const stack of STACKS) {
      const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      // Environments outside us-east-1 have a second provider there, for IAM's events; each pinned to one account.
      const providers = json.provider.aws as { alias?: string; region: string; allowed_account_ids: string[] }[];
      expect(providers.filter((p) => !p.alias)).toHaveLength(1);
      for (const p of providers.filter((p) => p.alias)) expect(p).toMatchObject({ alias: 'iam-events', region: 'us-east-1' });
      expect(new Set(providers.map((p) => p.allowed_account_ids.join()))).toEqual(new Set([providers[0].allowed_account_ids.join()]));
    }
  });

  it('writes the same stacks whether or not cdktf records its token stack traces', () => {
    const [lean, traced] = ['lean', 'traced'].map((name) => path.join(tempDir(`synth-${name}`), 'out'));
    expect(runSynth(lean, withoutAws()).status).toBe(0);
    expect(runSynth(traced, withoutAws({ SSK_STACK_TRACES: '1' })).status).toBe(0);
    for (const stack of STACKS) {
      const read = (outdir: string) => fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8');
      expect(read(lean)).toBe(read(traced));
    }
  });

  it('stops on a broken environment before writing anything, naming environment and field', () => {
    const outdir = path.join(tempDir('synth'), 'out');
    const run = runSynth(outdir, withoutAws({ SSK_CONFIG: brokenConfigFile() }));
    expect(run.status).not.toBe(0);
    for (const problem of EXPECTED_PROBLEMS) expect(run.stderr).toMatch(problem);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it('says what it wrote, and after a failed synth leaves no stale configuration, and everything Terraform or a user made', () => {
    const outdir = path.join(tempDir('synth'), 'out');
    const ok = runSynth(outdir, withoutAws());
    expect(ok.stdout).toMatch(/^synthesized 5 stacks \(bootstrap, dev, staging, prod, organization\) into .*stacks in \d+\.\d s$/m);
    // What `terraform init` and a reviewed `terraform plan -out=tfplan` leave in a stack's folder.
    const dev = path.join(outdir, 'stacks', 'dev');
    const made = ['.terraform/providers/marker', '.terraform.lock.hcl', 'tfplan', 'terraform.tfstate'];
    for (const file of made) {
      fs.mkdirSync(path.dirname(path.join(dev, file)), { recursive: true });
      fs.writeFileSync(path.join(dev, file), 'kept');
    }
    const broken = runSynth(outdir, withoutAws({ SSK_CONFIG: brokenConfigFile() }));
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toMatch(/Took the previous synth's cdk\.tf\.json out of .*stacks \(bootstrap, dev, .*\): nothing stale remains to plan or deploy/);
    for (const file of made) expect({ file, kept: fs.existsSync(path.join(dev, file)) }).toEqual({ file, kept: true });
    expect(STACKS.filter((stack) => fs.existsSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json')))).toEqual([]);
    expect(synthesizedStacks(outdir)).toEqual(['dev']);
    // Fixed, it writes the stacks again beside what was kept.
    expect(runSynth(outdir, withoutAws()).status).toBe(0);
    expect(fs.readFileSync(path.join(dev, 'tfplan'), 'utf8')).toBe('kept');
  });

  it('prints its usage on --help and synthesizes nothing; refuses an argument it does not take', () => {
    const outdir = path.join(tempDir('synth'), 'out');
    const help = spawnSync('node', ['--require', './scripts/transpile-hook.cjs', 'main.ts', '--help'], { cwd: ROOT, env: withoutAws({ CDKTF_OUTDIR: outdir }), encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stderr).toMatch(/^usage: npm run synth\n/);
    expect(fs.existsSync(outdir)).toBe(false);
    const extra = spawnSync('node', ['--require', './scripts/transpile-hook.cjs', 'main.ts', 'dev'], { cwd: ROOT, env: withoutAws({ CDKTF_OUTDIR: outdir }), encoding: 'utf8' });
    expect(extra.status).toBe(2);
    expect(extra.stderr).toMatch(/unexpected argument dev/);
  });

  it('drops the output of an environment removed from the config', () => {
    const outdir = path.join(tempDir('synth'), 'out');
    expect(runSynth(outdir, withoutAws()).status).toBe(0);
    const raw = rawConfig();
    delete raw.environments.staging;
    expect(runSynth(outdir, withoutAws({ SSK_CONFIG: writeConfig(raw) })).status).toBe(0);
    expect(synthesizedStacks(outdir)).toEqual(['bootstrap', 'dev', 'organization', 'prod']);
  });
});

describe('cdktf synth', () => {
  function cdktfSynth(outdir: string, env: NodeJS.ProcessEnv) {
    const cli = path.join(ROOT, 'node_modules', '.bin', 'cdktf');
    // The CLI reads TF_CLI_CONFIG_FILE to check Terraform's version; a stale one only adds noise.
    const { TF_CLI_CONFIG_FILE: _ignored, ...rest } = env;
    return spawnSync(cli, ['synth', '--output', outdir], { cwd: ROOT, env: { ...rest, CI: '1' }, encoding: 'utf8' });
  }

  it('writes every stack through the cdktf CLI', () => {
    const outdir = path.join(tempDir('cdktf'), 'out');
    const run = cdktfSynth(outdir, withoutAws());
    expect(run.status).toBe(0);
    expect(synthesizedStacks(outdir)).toEqual(STACKS);
  }, 60_000);

  it('exits non-zero on a broken environment and leaves no stack output', () => {
    const outdir = path.join(tempDir('cdktf'), 'out');
    const run = cdktfSynth(outdir, withoutAws({ SSK_CONFIG: brokenConfigFile() }));
    expect(run.status).not.toBe(0);
    for (const problem of EXPECTED_PROBLEMS) expect(run.stdout + run.stderr).toMatch(problem);
    expect(fs.existsSync(path.join(outdir, 'stacks')) ? fs.readdirSync(path.join(outdir, 'stacks')) : []).toEqual([]);
  }, 60_000);
});
