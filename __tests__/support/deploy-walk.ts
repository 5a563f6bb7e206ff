import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesize } from '../../scripts/lib/synth';
import { Terraform, type TerraformRun } from '../../scripts/lib/terraform';
import { FIXTURE_SCRIPT, startEmulator, type Emulator } from './emulator';

const ROOT = path.resolve(__dirname, '..', '..');
const CALL_SCRIPT = path.join(ROOT, 'scripts', 'emulator', 'call.py');
export const SHIPPED_CONFIG = path.join(ROOT, 'config', 'environments.json');

type Credentials = Record<string, string>;
interface FixtureCredentials {
  readonly stacks: Record<string, { deploy: Credentials; plan?: Credentials }>;
  readonly administrators: Record<string, Credentials>;
}

/** Who runs a command: the pipeline's deploy role (the bootstrap's administrator) or its plan role. */
export type Role = 'deploy' | 'plan';

export interface PlanResult {
  /** `-detailed-exitcode`: 0 no changes, 2 changes. */
  readonly code: number;
  readonly text: string;
}

/**
 * The README's walk against the AWS emulator: a fixture for every account of the shipped config, the
 * config rewritten with the fixture's ids, the stacks synthesized into `<work>/cdktf.out` and run with
 * plain Terraform in `cdktf.out/stacks/<stack>` as the pipeline runs them. The only test-only file is
 * `emulator_override.tf.json` beside each stack: path-style S3 addressing, since the emulator serves
 * buckets on one host (the backend block, which an override replaces whole, is repeated with it).
 */
export class DeployWalk {
  private readonly terraform: Terraform;

  private constructor(
    readonly work: string,
    readonly emulator: Emulator,
    readonly configFile: string,
    private readonly credentials: FixtureCredentials,
  ) {
    this.terraform = new Terraform(work);
  }

  /** The walk of the shipped config, as `edit` changes it before the accounts' fixture is built. */
  static async open(edit: (config: any) => void = () => undefined): Promise<DeployWalk> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ssk-deploy-'));
    let emulator: Emulator | undefined;
    try {
      emulator = await startEmulator();
      const configFile = path.join(work, 'environments.json');
      const credentialsFile = path.join(work, 'credentials.json');
      const shipped = JSON.parse(fs.readFileSync(SHIPPED_CONFIG, 'utf8'));
      edit(shipped);
      const base = path.join(work, 'shipped.json');
      fs.writeFileSync(base, JSON.stringify(shipped, null, 2));
      python([FIXTURE_SCRIPT, emulator.url, base, configFile, credentialsFile], 'fixture');
      const credentials = JSON.parse(fs.readFileSync(credentialsFile, 'utf8')) as FixtureCredentials;
      return new DeployWalk(work, emulator, configFile, credentials);
    } catch (e) {
      await emulator?.stop();
      fs.rmSync(work, { recursive: true, force: true });
      throw e;
    }
  }

  get outdir(): string {
    return path.join(this.work, 'cdktf.out');
  }

  stackDir(stack: string): string {
    return path.join(this.outdir, 'stacks', stack);
  }

  /** The fixture's config, changed by `edit` (a user's edit of environments.json), synthesized. */
  synth(edit: (config: any) => void = () => undefined): void {
    const config = JSON.parse(fs.readFileSync(this.configFile, 'utf8'));
    edit(config);
    fs.writeFileSync(this.configFile, JSON.stringify(config, null, 2));
    synthesize(this.outdir, { SSK_CONFIG: this.configFile });
    for (const stack of fs.readdirSync(path.join(this.outdir, 'stacks'))) this.writeOverride(stack);
  }

  /** Changes a synthesized stack in place: a regression seeded into what the modules produce. */
  editStack(stack: string, edit: (synthesized: any) => void): void {
    const synthesized = this.synthesized(stack);
    edit(synthesized);
    fs.writeFileSync(path.join(this.stackDir(stack), 'cdk.tf.json'), JSON.stringify(synthesized, null, 2));
  }

  /** The pipeline's deploy: `init`, `plan -out=tfplan`, then `init` and `apply tfplan` (terraform-stacks.yml). */
  async deploy(stack: string): Promise<void> {
    await this.init(stack);
    await this.plan(stack);
    await this.init(stack);
    await this.run(stack, 'apply', ['apply', '-input=false', 'tfplan']);
  }

  /** `init`, as the deploy role, or as the plan role reading state through `stateReadRoleArn`. */
  async init(stack: string, role: Role = 'deploy', stateReadRoleArn?: string): Promise<void> {
    const args = ['init', '-input=false', '-reconfigure'];
    if (stateReadRoleArn) {
      const file = path.join(this.work, `${stack}-read-only.tfbackend`);
      fs.writeFileSync(file, `assume_role = { role_arn = ${JSON.stringify(stateReadRoleArn)} }\n`);
      args.push(`-backend-config=${file}`);
    }
    await this.run(stack, 'init', args, role);
  }

  /** The workflow's plan: `plan -lock=false -detailed-exitcode -out=tfplan`. */
  async plan(stack: string, role: Role = 'deploy', extra: readonly string[] = []): Promise<PlanResult> {
    const run = await this.run(stack, 'plan', ['plan', '-input=false', '-lock=false', '-detailed-exitcode', '-out=tfplan', ...extra], role, [0, 2]);
    return { code: run.code, text: run.stdout };
  }

  /** `terraform show -json tfplan`, parsed. */
  async showPlan(stack: string, role: Role = 'deploy'): Promise<any> {
    return JSON.parse((await this.run(stack, 'show', ['show', '-json', 'tfplan'], role)).stdout);
  }

  /** A Terraform command in the stack's folder; a failure names the stack, the step and Terraform's error. */
  async run(stack: string, step: string, args: readonly string[], role: Role = 'deploy', codes: readonly number[] = [0]): Promise<TerraformRun> {
    const run = await this.terraform.run(this.stackDir(stack), [...args, '-no-color'], this.env(stack, role));
    if (!codes.includes(run.code)) {
      throw new Error(`${stack}: ${step}: terraform ${args.join(' ')} exited with ${run.code}\n${run.stderr || run.stdout}`);
    }
    return run;
  }

  /** The environment as the written config declares it. */
  config(stack: string): { accountId: string; region: string } {
    return JSON.parse(fs.readFileSync(this.configFile, 'utf8')).environments[stack];
  }

  /** The stack's outputs, from its state. */
  async outputs(stack: string): Promise<Record<string, any>> {
    const run = await this.run(stack, 'output', ['output', '-json']);
    return Object.fromEntries(Object.entries(JSON.parse(run.stdout)).map(([k, v]: [string, any]) => [k, v.value]));
  }

  /** The synthesized resources Terraform may not destroy. */
  preventDestroy(stack: string): string[] {
    const resources = this.synthesized(stack).resource as Record<string, Record<string, any>>;
    return Object.entries(resources).flatMap(([type, byName]) =>
      Object.entries(byName).filter(([, r]) => r.lifecycle?.prevent_destroy).map(([name]) => `${type}.${name}`)).sort();
  }

  /** `npm run -s retained-resources -- <stack>`, as the README runs it. */
  retainedResources(stack: string): string[] {
    return npm(['retained-resources', '--', stack], { CDKTF_OUTDIR: this.outdir }, [0]).stdout.trim().split('\n');
  }

  /** `npm run -s drift-report -- <stack> <plan.json>`, as drift.yml runs it. */
  driftReport(stack: string, planJson: string): { status: number; stdout: string } {
    const file = path.join(this.work, `${stack}-drift.json`);
    fs.writeFileSync(file, planJson);
    return npm(['drift-report', '--', stack, file], {}, [0, 1]);
  }

  /** One API call in an account, as its administrator: a change made outside Terraform. */
  aws(accountId: string, region: string, service: string, operation: string, parameters: object = {}): any {
    const credentials = this.credentials.administrators[accountId];
    if (!credentials) throw new Error(`the fixture has no account ${accountId}`);
    const out = python([CALL_SCRIPT, this.emulator.url, region, service, operation, JSON.stringify(parameters)], `${service} ${operation}`, credentials);
    return JSON.parse(out);
  }

  async close(): Promise<void> {
    await this.emulator.stop();
    fs.rmSync(this.work, { recursive: true, force: true });
  }

  private env(stack: string, role: Role): NodeJS.ProcessEnv {
    const credentials = this.credentials.stacks[stack]?.[role];
    if (!credentials) throw new Error(`${stack}: the fixture has no ${role} role for this stack`);
    // Terraform's own default (the validation's one thread per process is for many processes at once).
    return { ...credentials, AWS_ENDPOINT_URL: this.emulator.url, GOMAXPROCS: String(os.cpus().length) };
  }

  private synthesized(stack: string): any {
    return JSON.parse(fs.readFileSync(path.join(this.stackDir(stack), 'cdk.tf.json'), 'utf8'));
  }

  private writeOverride(stack: string): void {
    const dir = this.stackDir(stack);
    const synthesized = this.synthesized(stack);
    const providers = (synthesized.provider?.aws ?? []) as { alias?: string }[];
    const override: any = { provider: { aws: providers.map((p) => ({ ...(p.alias ? { alias: p.alias } : {}), s3_use_path_style: true })) } };
    const s3 = synthesized.terraform?.backend?.s3;
    if (s3) override.terraform = { backend: { s3: { ...s3, use_path_style: true } } };
    fs.writeFileSync(path.join(dir, 'emulator_override.tf.json'), JSON.stringify(override, null, 2));
  }
}

function npm(args: readonly string[], env: NodeJS.ProcessEnv, codes: readonly number[]): { status: number; stdout: string } {
  const run = spawnSync('npm', ['run', '-s', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  if (!codes.includes(run.status ?? -1)) throw new Error(`npm run ${args.join(' ')} exited with ${run.status}:\n${run.stderr || run.stdout}`);
  return { status: run.status ?? -1, stdout: run.stdout };
}

function python(args: readonly string[], what: string, env: NodeJS.ProcessEnv = {}): string {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  const run = spawnSync('python3', args, { encoding: 'utf8', env: { ...clean, ...env } });
  if (run.status !== 0) throw new Error(`${what} failed (${run.status}):\n${run.stderr || run.stdout}`);
  return run.stdout;
}
