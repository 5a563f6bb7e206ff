import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startMockAws } from './mock-aws';
import { Diagnostic, Terraform, diagnosticsOf } from './terraform';

/** Written into each scratch copy of a stack; never into the synthesized output. */
export const OVERRIDE_FILE = 'zz_offline_validation_override.tf.json';

export interface OfflineValidationOptions {
  /** The synthesized app (holds manifest.json). */
  readonly outdir: string;
  /** @default every stack in the manifest */
  readonly stacks?: readonly string[];
  /** Scratch folder for the copies, plans and state. @default a new temporary folder */
  readonly workdir?: string;
  /** @default the SSK_PROVIDER_MIRROR variable, else the public registry */
  readonly mirror?: string;
  /** @default the number of cores */
  readonly concurrency?: number;
  /**
   * The account the stand-in STS reports for a stack's credentials.
   * @default the stack's own allowed account
   */
  readonly callerAccount?: (stack: string, allowedAccount: string) => string;
}

export interface StackValidation {
  readonly stack: string;
  /** Planned with no error and no warning. */
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** Wall time of the plan. */
  readonly seconds: number;
  /** Resource changes in the plan, when it got that far. */
  readonly changes?: { readonly add: number; readonly change: number; readonly destroy: number };
  /**
   * The plan as JSON (`terraform show -json` format), when it got that far, with stand-ins for the
   * values AWS assigns at apply, so every policy in it is resolved.
   */
  readonly planFile?: string;
}

interface StackJson {
  provider?: Record<string, Array<{ alias?: string; allowed_account_ids?: string[]; region?: string }>>;
  terraform?: { required_providers?: Record<string, unknown> };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
}

/**
 * Plans a scratch copy of every synthesized stack with the real Terraform CLI and AWS provider and no
 * AWS credentials: the backend is replaced by a local one, and the provider talks to a stand-in STS
 * on loopback. The plan runs under `terraform test`, with stand-ins for the values AWS assigns at
 * apply, so Terraform resolves every policy. Providers are installed once, shared by every stack.
 */
export async function validateOffline(options: OfflineValidationOptions): Promise<StackValidation[]> {
  const workdir = options.workdir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ssk-validate-'));
  fs.mkdirSync(workdir, { recursive: true });
  const manifest = readManifest(options.outdir);
  const names = options.stacks ?? Object.keys(manifest);
  const unknown = names.filter((n) => !manifest[n]);
  if (unknown.length > 0) throw new Error(`no synthesized stack named ${unknown.join(', ')} in ${options.outdir}`);

  const stacks = names.map((name) => ({ name, dir: path.join(options.outdir, manifest[name].workingDirectory) }));
  const terraform = new Terraform(workdir, options.mirror);
  const providers = await installProviders(terraform, workdir, stacks.map((s) => readStackJson(s.dir)));

  return pool(stacks, options.concurrency ?? os.availableParallelism(), (s) =>
    validateStack(terraform, s.name, s.dir, path.join(workdir, s.name), providers, options),
  );
}

function readManifest(outdir: string): Record<string, { workingDirectory: string }> {
  const file = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(file)) throw new Error(`${file} not found: synthesize first`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { stacks: Record<string, { workingDirectory: string }> }).stacks;
}

function readStackJson(dir: string): StackJson {
  return JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as StackJson;
}

interface ProviderInstall {
  /** Lock file for every provider any stack requires. */
  readonly lockFile: string;
  /** Terraform data folder holding those providers, shared read-only by every stack. */
  readonly dataDir: string;
}

/**
 * Providers for every stack, installed once by one `init` (from the mirror when there is one, else
 * from the registry into the shared plugin cache) into a data folder every stack's plan reads.
 */
async function installProviders(terraform: Terraform, workdir: string, stacks: StackJson[]): Promise<ProviderInstall> {
  const dir = path.join(workdir, '.providers');
  fs.mkdirSync(dir, { recursive: true });
  const requiredProviders = Object.assign({}, ...stacks.map((s) => s.terraform?.required_providers ?? {}));
  fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: requiredProviders } }));
  const run = await terraform.run(dir, ['init', '-backend=false', '-json']);
  // Errors only: from a mirror, init warns that the scratch lock file has checksums for this
  // platform alone, which is all a scratch lock file needs.
  const problems = diagnosticsOf(run).filter((d) => d.severity === 'error');
  if (problems.length > 0) {
    throw new Error(`terraform init failed:\n${problems.map((d) => `${d.summary}: ${d.detail ?? ''}`).join('\n')}`);
  }
  return { lockFile: path.join(dir, '.terraform.lock.hcl'), dataDir: path.join(dir, '.terraform') };
}

async function validateStack(
  terraform: Terraform,
  stack: string,
  sourceDir: string,
  dir: string,
  providers: ProviderInstall,
  { callerAccount }: OfflineValidationOptions,
): Promise<StackValidation> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(sourceDir, dir, { recursive: true, filter: (src) => !isLocalState(path.basename(src)) });
  fs.copyFileSync(providers.lockFile, path.join(dir, '.terraform.lock.hcl'));

  const json = readStackJson(dir);
  const allowed = json.provider?.aws?.[0]?.allowed_account_ids?.[0] ?? '123456789012';
  const mock = await startMockAws(callerAccount ? callerAccount(stack, allowed) : allowed);
  try {
    fs.writeFileSync(path.join(dir, OVERRIDE_FILE), JSON.stringify(offlineOverride(json, dir, mock.url), null, 2));
    fs.writeFileSync(path.join(dir, PLAN_TEST_FILE), planTest(json, allowed));
    // One Terraform process validates the configuration, configures the provider (so the
    // allowed-account check runs), reads the data sources and plans. `terraform test` needs no
    // backend, so no per-stack `init`: the shared data folder supplies the providers.
    const plan = await terraform.run(dir, ['test', '-json', '-verbose', `-filter=${PLAN_TEST_FILE}`], { TF_DATA_DIR: providers.dataDir });
    const diagnostics = diagnosticsOf(plan);
    const seconds = plan.seconds;
    const planned = planOf(plan.stdout);
    if (!planned) return { stack, ok: false, diagnostics, seconds };
    const planFile = path.join(dir, 'plan.json');
    fs.writeFileSync(planFile, JSON.stringify(planned));
    return { stack, ok: diagnostics.length === 0, diagnostics, seconds, changes: changeSummary(planned), planFile };
  } finally {
    await mock.close();
  }
}

const PLAN_TEST_FILE = 'zz_offline_plan.tftest.hcl';

interface Plan {
  resource_changes?: { change: { actions: string[] } }[];
  provider_schemas?: unknown;
}

/** The plan `terraform test -verbose` prints for the run, without the provider schemas it carries. */
function planOf(stdout: string): Plan | undefined {
  const line = stdout.split('\n').find((l) => l.includes('"test_plan"'));
  if (!line) return undefined;
  const { provider_schemas: _schemas, ...plan } = (JSON.parse(line) as { test_plan: Plan }).test_plan;
  return plan;
}

function changeSummary(plan: Plan): StackValidation['changes'] {
  const count = (action: string) => (plan.resource_changes ?? []).filter((rc) => rc.change.actions.includes(action)).length;
  return { add: count('create'), change: count('update'), destroy: count('delete') };
}

/**
 * A `terraform test` file whose only run plans the stack with `override_resource` stand-ins for the
 * attributes AWS assigns at apply (key, role, policy and instance ARNs and ids), shaped as AWS shapes
 * them and stable across runs.
 */
function planTest(json: StackJson, accountId: string): string {
  const region = json.provider?.aws?.[0]?.region ?? 'us-east-1';
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  const standIns: Record<string, (name: string, config: Record<string, unknown>) => Record<string, string>> = {
    aws_kms_key: (name) => {
      const id = uuidFrom(name);
      return { arn: `arn:${partition}:kms:${region}:${accountId}:key/${id}`, key_id: id, id };
    },
    aws_iam_role: (name, config) => {
      const roleName = typeof config.name === 'string' ? config.name : name;
      const rolePath = typeof config.path === 'string' ? config.path : '/';
      return { arn: `arn:${partition}:iam::${accountId}:role${rolePath}${roleName}`, name: roleName, unique_id: `AROA${hex(name, 17).toUpperCase()}` };
    },
    aws_iam_policy: (name, config) => {
      const policyName = typeof config.name === 'string' ? config.name : name;
      const policyPath = typeof config.path === 'string' ? config.path : '/';
      return { arn: `arn:${partition}:iam::${accountId}:policy${policyPath}${policyName}` };
    },
    aws_instance: (name) => {
      const id = `i-0${hex(name, 16)}`;
      return { id, arn: `arn:${partition}:ec2:${region}:${accountId}:instance/${id}` };
    },
  };
  const blocks: string[] = [];
  for (const [type, standIn] of Object.entries(standIns)) {
    for (const [name, config] of Object.entries(json.resource?.[type] ?? {})) {
      const values = Object.entries(standIn(name, config)).map(([k, v]) => `    ${k} = ${JSON.stringify(v)}`).join('\n');
      blocks.push(`override_resource {\n  target          = ${type}.${name}\n  override_during = plan\n  values = {\n${values}\n  }\n}\n`);
    }
  }
  return `${blocks.join('\n')}\nrun "plan" {\n  command = plan\n}\n`;
}

function hex(seed: string, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) {
    out += [...`${seed}#${i}`].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7).toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

function uuidFrom(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** What `cdktf deploy` may have left in the synthesized folder: not part of the configuration. */
function isLocalState(name: string): boolean {
  return name === '.terraform' || name.includes('.tfstate') || name.endsWith('.tfplan');
}

/**
 * The test-only override: local state in the scratch folder, and every AWS provider block given
 * placeholder keys and the stand-in STS and SSM endpoint. Everything else (region, allowed accounts, default
 * tags) stays as synthesized, so the provider checks it for real.
 */
function offlineOverride(json: StackJson, dir: string, endpoint: string): object {
  const providers = json.provider?.aws ?? [];
  return {
    terraform: { backend: { local: { path: path.join(dir, 'terraform.tfstate') } } },
    provider: {
      aws: providers.map((p) => ({
        ...(p.alias ? { alias: p.alias } : {}),
        access_key: 'offline-validation',
        secret_key: 'offline-validation',
        skip_metadata_api_check: true,
        endpoints: [{ sts: endpoint, ssm: endpoint }],
      })),
    },
  };
}

/** Runs `task` over `items` with at most `size` at once, keeping the input order in the results. */
async function pool<T, R>(items: readonly T[], size: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker));
  return results;
}
