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
  /**
   * Also plan each stack under `terraform test` with realistic stand-ins for the values AWS assigns
   * at apply (key, role and instance ARNs and ids), so that every policy is resolved in that plan.
   * @default false
   */
  readonly resolve?: boolean;
}

export type Step = 'init' | 'validate' | 'plan' | 'resolve';

export interface StackValidation {
  readonly stack: string;
  /** No error and no warning in any step. */
  readonly ok: boolean;
  readonly diagnostics: readonly (Diagnostic & { readonly step: Step })[];
  readonly seconds: Readonly<Partial<Record<Step, number>>>;
  /** Resource changes in the plan, when it got that far. */
  readonly changes?: { readonly add: number; readonly change: number; readonly destroy: number };
  /** `terraform show -json` of the saved plan, when it got that far. */
  readonly planJsonFile?: string;
  /** With `resolve`: the plan made with stand-ins for the values known only after apply. */
  readonly resolvedPlanFile?: string;
}

interface StackJson {
  provider?: Record<string, Array<{ alias?: string; allowed_account_ids?: string[]; region?: string }>>;
  terraform?: { required_providers?: Record<string, unknown> };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
}

/**
 * Runs `terraform init`, `validate` and `plan` on a scratch copy of every synthesized stack, with no
 * AWS credentials: the backend is replaced by a local one, and the provider talks to a stand-in STS
 * on loopback. Providers are installed once, then shared by every stack.
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
  const lockFile = await installProviders(terraform, workdir, stacks.map((s) => readStackJson(s.dir)));

  return pool(stacks, options.concurrency ?? os.availableParallelism(), (s) =>
    validateStack(terraform, s.name, s.dir, path.join(workdir, s.name), lockFile, options),
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

/**
 * One lock file for every provider any stack requires, made once: from the mirror when there is one
 * (checksums computed from the mirror, so no stack's init has to guess them), else from the registry,
 * whose downloads land in the shared plugin cache.
 */
async function installProviders(terraform: Terraform, workdir: string, stacks: StackJson[]): Promise<string> {
  const dir = path.join(workdir, '.providers');
  fs.mkdirSync(dir, { recursive: true });
  const requiredProviders = Object.assign({}, ...stacks.map((s) => s.terraform?.required_providers ?? {}));
  fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: requiredProviders } }));
  const platform = await terraform.platform(dir);
  const mirrorArgs = terraform.mirror ? [`-fs-mirror=${terraform.mirror}`] : [];
  for (const args of [['providers', 'lock', '-no-color', `-platform=${platform}`, ...mirrorArgs], ['init', '-backend=false', '-json']]) {
    const run = await terraform.run(dir, args);
    const problems = diagnosticsOf(run);
    if (problems.length > 0) {
      throw new Error(`terraform ${args.join(' ')} failed:\n${problems.map((d) => `${d.summary}: ${d.detail ?? ''}`).join('\n')}`);
    }
  }
  return path.join(dir, '.terraform.lock.hcl');
}

async function validateStack(
  terraform: Terraform,
  stack: string,
  sourceDir: string,
  dir: string,
  lockFile: string,
  { callerAccount, resolve }: OfflineValidationOptions,
): Promise<StackValidation> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(sourceDir, dir, { recursive: true, filter: (src) => !isLocalState(path.basename(src)) });
  fs.copyFileSync(lockFile, path.join(dir, '.terraform.lock.hcl'));

  const json = readStackJson(dir);
  const allowed = json.provider?.aws?.[0]?.allowed_account_ids?.[0] ?? '123456789012';
  const mock = await startMockAws(callerAccount ? callerAccount(stack, allowed) : allowed);
  try {
    fs.writeFileSync(path.join(dir, OVERRIDE_FILE), JSON.stringify(offlineOverride(json, dir, mock.url), null, 2));
    const diagnostics: (Diagnostic & { step: Step })[] = [];
    const seconds: Partial<Record<Step, number>> = {};
    const steps: [Step, string[]][] = [
      ['init', ['init', '-input=false', '-json']],
      ['validate', ['validate', '-json']],
      ['plan', ['plan', '-input=false', '-lock=false', '-json', '-out=plan.tfplan']],
    ];
    let planOutput: string | undefined;
    for (const [step, args] of steps) {
      const run = await terraform.run(dir, args);
      seconds[step] = run.seconds;
      diagnostics.push(...diagnosticsOf(run).map((d) => ({ ...d, step })));
      if (run.code !== 0) break;
      if (step === 'plan') planOutput = run.stdout;
    }
    const ok = planOutput !== undefined && diagnostics.length === 0;
    if (planOutput === undefined) return { stack, ok, diagnostics, seconds };

    const show = await terraform.run(dir, ['show', '-json', 'plan.tfplan']);
    const planJsonFile = path.join(dir, 'plan.json');
    fs.writeFileSync(planJsonFile, show.stdout);
    const result = { stack, ok, diagnostics, seconds, changes: changeSummary(planOutput), planJsonFile };
    if (!resolve) return result;

    const resolved = await resolvePlan(terraform, dir, resolveTest(json, allowed));
    seconds.resolve = resolved.seconds;
    diagnostics.push(...resolved.diagnostics);
    return { ...result, ok: ok && diagnostics.length === 0 && resolved.file !== undefined, resolvedPlanFile: resolved.file };
  } finally {
    await mock.close();
  }
}

const RESOLVE_TEST_FILE = 'zz_offline_resolve.tftest.hcl';

/** Runs the resolve test and keeps the plan `terraform test -verbose` prints. */
async function resolvePlan(terraform: Terraform, dir: string, testFile: string) {
  fs.writeFileSync(path.join(dir, RESOLVE_TEST_FILE), testFile);
  const run = await terraform.run(dir, ['test', '-json', '-verbose', `-filter=${RESOLVE_TEST_FILE}`]);
  const diagnostics = diagnosticsOf(run).map((d) => ({ ...d, step: 'resolve' as const }));
  const planLine = run.stdout.split('\n').find((line) => line.includes('"test_plan"'));
  if (!planLine) return { seconds: run.seconds, diagnostics };
  const file = path.join(dir, 'resolved-plan.json');
  fs.writeFileSync(file, JSON.stringify((JSON.parse(planLine) as { test_plan: unknown }).test_plan));
  return { seconds: run.seconds, diagnostics, file };
}

/**
 * A `terraform test` file whose only run plans the stack with `override_resource` stand-ins for the
 * attributes AWS assigns at apply (key, role, policy and instance ARNs and ids), shaped as AWS shapes
 * them and stable across runs.
 */
function resolveTest(json: StackJson, accountId: string): string {
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
  return `${blocks.join('\n')}\nrun "resolve" {\n  command = plan\n}\n`;
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

function changeSummary(planOutput: string): StackValidation['changes'] {
  for (const line of planOutput.split('\n').reverse()) {
    if (!line.includes('"change_summary"')) continue;
    const { changes } = JSON.parse(line) as { changes: { add: number; change: number; remove: number } };
    return { add: changes.add, change: changes.change, destroy: changes.remove };
  }
  return undefined;
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
