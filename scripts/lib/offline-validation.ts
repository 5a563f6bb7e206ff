import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MockAws, startMockAws } from './mock-aws';
import { standInEndpoints } from './plain-plan';
import { Diagnostic, Terraform, TerraformRun, diagnosticsOf } from './terraform';

/** A stack's configuration file, in the synthesized output and in its scratch copy. */
export const STACK_FILE = 'cdk.tf.json';

export interface OfflineValidationOptions {
  /** The synthesized app (holds manifest.json). */
  readonly outdir: string;
  /** @default every stack in the manifest */
  readonly stacks?: readonly string[];
  /** Scratch folder for the copies, plans and state. @default a new temporary folder */
  readonly workdir?: string;
  /** @default the SSK_PROVIDER_MIRROR variable, else the public registry */
  readonly mirror?: string;
  /** Terraform processes at once. @default the number of cores */
  readonly concurrency?: number;
  /**
   * Most stacks one Terraform process plans. Each stack's provider configuration is a provider
   * process of its own (about 100 MB of its own memory while it lives, and most live at once), so
   * this bounds a process's memory; the time a stack costs barely depends on it.
   * @default 20
   */
  readonly maxStacksPerProcess?: number;
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
  /** This stack's own diagnostics, addresses relative to the stack. */
  readonly diagnostics: readonly Diagnostic[];
  /** Wall time of the Terraform process that planned this stack (with the others of its batch). */
  readonly seconds: number;
  /** Resource changes in the plan, when it got that far. */
  readonly changes?: { readonly add: number; readonly change: number; readonly destroy: number };
  /**
   * This stack's plan as JSON (`terraform show -json` format), when it got that far, with stand-ins for
   * the values AWS assigns at apply, so every policy in it is resolved.
   */
  readonly planFile?: string;
}

interface StackJson {
  provider?: Record<string, Array<{ alias?: string; allowed_account_ids?: string[]; region?: string }>>;
  terraform?: { required_providers?: Record<string, unknown>; backend?: unknown };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  import?: Array<{ to: string; [key: string]: unknown }>;
}

/** A stack's scratch copy, called as a child module of a batch's generated root. */
interface ScratchStack {
  readonly name: string;
  /** The module's name in the batch root; diagnostics and plan entries carry `module.<moduleName>.`. */
  readonly moduleName: string;
  readonly dir: string;
  readonly json: StackJson;
  readonly accountId: string;
  /** The placeholder access key its provider signs with. */
  readonly accessKey: string;
}

/**
 * Plans a scratch copy of every synthesized stack with the real Terraform CLI and AWS provider and no
 * AWS credentials: backends are dropped, and each stack's provider talks to its own stand-in STS on
 * loopback. Stacks are planned in batches of up to 20, a Terraform process each: each process plans a
 * generated root that calls every stack of its batch as a child module, under `terraform test` with
 * stand-ins for the values AWS assigns at apply, so Terraform loads the provider's schema once per
 * batch rather than once per stack, and resolves every policy. A stack whose plan fails is reported
 * with its own diagnostics and the rest of its batch is planned again without it.
 */
export async function validateOffline(options: OfflineValidationOptions): Promise<StackValidation[]> {
  const workdir = options.workdir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ssk-validate-'));
  fs.mkdirSync(workdir, { recursive: true });
  const manifest = readManifest(options.outdir);
  const names = options.stacks ?? Object.keys(manifest);
  const unknown = names.filter((n) => !manifest[n]);
  if (unknown.length > 0) throw new Error(`no synthesized stack named ${unknown.join(', ')} in ${options.outdir}`);

  const stacks = names.map((name, i) => scratchCopy(name, i, path.join(options.outdir, manifest[name].workingDirectory), workdir));
  const terraform = new Terraform(workdir, options.mirror);
  const providers = await installProviders(terraform, workdir, stacks.map((s) => s.json));
  // One stand-in for every stack: each stack's provider signs with an access key of its own, which
  // the stand-in maps to the account that stack's credentials belong to.
  const mock = await startMockAws(
    new Map(stacks.map((s) => [s.accessKey, options.callerAccount ? options.callerAccount(s.name, s.accountId) : s.accountId])),
  );
  try {
    stacks.forEach(writeModule);
    // No more batches than the stacks need: Terraform plans a batch's stacks in parallel already, so a
    // second batch of a few stacks finishes no sooner and costs another load of the provider's schema.
    const concurrency = options.concurrency ?? os.availableParallelism();
    const batches = balance(stacks, Math.ceil(stacks.length / (options.maxStacksPerProcess ?? 20)));
    const planner = new BatchPlanner(terraform, providers, workdir, mock);
    const results = (await pool(batches, concurrency, (batch) => planner.plan(batch))).flat();
    return names.map((name) => results.find((r) => r.stack === name)!);
  } finally {
    await mock.close();
  }
}

function readManifest(outdir: string): Record<string, { workingDirectory: string }> {
  const file = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(file)) throw new Error(`${file} not found: synthesize first`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { stacks: Record<string, { workingDirectory: string }> }).stacks;
}

function readStackJson(dir: string): StackJson {
  return JSON.parse(fs.readFileSync(path.join(dir, STACK_FILE), 'utf8')) as StackJson;
}

/** The stack copied into the scratch folder; `writeModule` then makes it a child module. */
function scratchCopy(name: string, index: number, sourceDir: string, workdir: string): ScratchStack {
  const dir = path.join(workdir, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(sourceDir, dir, { recursive: true, filter: (src) => !isLocalState(path.basename(src)) });
  const json = readStackJson(dir);
  const moduleName = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? name : `stack_${index}`;
  const accountId = json.provider?.aws?.[0]?.allowed_account_ids?.[0] ?? '123456789012';
  return { name, moduleName, dir, json, accountId, accessKey: `OFFLINEVALIDATION${index}` };
}

/** What `cdktf deploy` may have left in the synthesized folder: not part of the configuration. */
function isLocalState(name: string): boolean {
  return name === '.terraform' || name.includes('.tfstate') || name.endsWith('.tfplan');
}

interface ProviderInstall {
  /** Lock file for every provider any stack requires. */
  readonly lockFile: string;
  /** The installed providers, shared read-only by every batch. */
  readonly providersDir: string;
}

/**
 * Providers for every stack, installed once by one `init` (from the mirror when there is one, else
 * from the registry into the shared plugin cache), read by every batch.
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
  return { lockFile: path.join(dir, '.terraform.lock.hcl'), providersDir: path.join(dir, '.terraform', 'providers') };
}

/**
 * Rewrites the scratch copy as a child module, for tests only: without its backend and import blocks,
 * which only a root module may hold (the batch root carries the imports instead), and with every AWS
 * provider block given the stack's placeholder keys. Everything else (region, allowed accounts, default
 * tags) stays as synthesized, so the provider checks it for real. Written into the stack's own file:
 * Terraform takes a child module's provider block merged from an override file for an empty proxy
 * block, and warns.
 */
function writeModule(stack: ScratchStack): void {
  const { backend: _backend, ...terraformBlock } = stack.json.terraform ?? {};
  const { import: _imports, ...json } = stack.json;
  const provider = {
    ...json.provider,
    aws: (json.provider?.aws ?? []).map((p) => ({
      ...p,
      access_key: stack.accessKey,
      secret_key: 'offline-validation',
      skip_metadata_api_check: true,
    })),
  };
  fs.writeFileSync(path.join(stack.dir, STACK_FILE), JSON.stringify({ ...json, terraform: terraformBlock, provider }));
}

/** Splits stacks into `count` batches of about equal size in resources (largest first, onto the lightest batch). */
function balance(stacks: readonly ScratchStack[], count: number): ScratchStack[][] {
  const weight = (s: ScratchStack) => 1 + Object.values(s.json.resource ?? {}).reduce((n, r) => n + Object.keys(r).length, 0);
  const batches = Array.from({ length: Math.min(count, stacks.length) }, () => ({ weight: 0, stacks: [] as ScratchStack[] }));
  for (const stack of [...stacks].sort((a, b) => weight(b) - weight(a))) {
    const lightest = batches.reduce((min, b) => (b.weight < min.weight ? b : min));
    lightest.stacks.push(stack);
    lightest.weight += weight(stack);
  }
  return batches.map((b) => b.stacks);
}

interface Plan {
  resource_changes?: { address: string; module_address?: string; change: { actions: string[] } }[];
  provider_schemas?: unknown;
  [key: string]: unknown;
}

/** One `terraform test` run over a batch: its diagnostics and, when the run got that far, its plan. */
interface BatchRun {
  readonly run: TerraformRun;
  readonly diagnostics: Diagnostic[];
  readonly plan?: Plan;
}

class BatchPlanner {
  private batches = 0;

  constructor(
    private readonly terraform: Terraform,
    private readonly providers: ProviderInstall,
    private readonly workdir: string,
    private readonly mock: MockAws,
  ) {}

  /**
   * Plans the stacks together. A failed plan shows no plan at all, so the stacks its errors point
   * into are reported failed and the others planned again without them; errors that point into no
   * stack split the batch in two until they do.
   */
  async plan(stacks: readonly ScratchStack[]): Promise<StackValidation[]> {
    const batch = await this.runBatch(stacks);
    const { own, unplaced } = attribute(batch.diagnostics, stacks);
    const all = (s: ScratchStack) => [...own(s), ...unplaced];
    if (batch.plan) return stacks.map((s) => planned(s, all(s), batch));
    if (stacks.length === 1) return [failed(stacks[0], all(stacks[0]), batch)];

    const broken = stacks.filter((s) => own(s).some((d) => d.severity === 'error'));
    if (broken.length === 0) {
      const half = Math.ceil(stacks.length / 2);
      return [...(await this.plan(stacks.slice(0, half))), ...(await this.plan(stacks.slice(half)))];
    }
    const rest = stacks.filter((s) => !broken.includes(s));
    return [...broken.map((s) => failed(s, all(s), batch)), ...(rest.length > 0 ? await this.plan(rest) : [])];
  }

  private async runBatch(stacks: readonly ScratchStack[]): Promise<BatchRun> {
    const root = path.join(this.workdir, `.batch-${++this.batches}`);
    const dataDir = path.join(root, '.terraform');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.symlinkSync(this.providers.providersDir, path.join(dataDir, 'providers'));
    fs.copyFileSync(this.providers.lockFile, path.join(root, '.terraform.lock.hcl'));
    fs.writeFileSync(path.join(root, 'main.tf.json'), JSON.stringify(batchRoot(stacks, root), null, 2));
    fs.writeFileSync(path.join(root, PLAN_TEST_FILE), planTest(stacks));
    // The stand-in answers STS, SSM and Identity Center's reads through the SDK's service endpoint
    // variables rather than the provider's `endpoints` block, which costs each provider process 2 s of
    // CPU to validate.
    const env = { TF_DATA_DIR: dataDir, ...standInEndpoints(this.mock.url) };
    // Records the local child modules; installs nothing.
    const get = await this.terraform.run(root, ['get'], env);
    if (get.code !== 0) return { run: get, diagnostics: diagnosticsOf(get) };
    // One Terraform process validates the configuration, configures each stack's provider (so the
    // allowed-account check runs), reads the data sources and plans every stack.
    const run = await this.terraform.run(root, ['test', '-json', '-verbose', `-filter=${PLAN_TEST_FILE}`], env);
    const diagnostics = diagnosticsOf(run).map((d) => ({ ...d, file: d.file && path.resolve(root, d.file) }));
    return { run, diagnostics, plan: planOf(run.stdout) };
  }
}

/** The generated root: each stack a child module, and the stacks' import blocks, which belong to a root. */
function batchRoot(stacks: readonly ScratchStack[], root: string): object {
  const imports = stacks.flatMap((s) => (s.json.import ?? []).map((i) => ({ ...i, to: `module.${s.moduleName}.${i.to}` })));
  return {
    module: Object.fromEntries(stacks.map((s) => [s.moduleName, { source: `./${path.relative(root, s.dir)}` }])),
    ...(imports.length > 0 ? { import: imports } : {}),
  };
}

/**
 * Diagnostics by stack: a stack's own are those whose address is in its module or whose source range
 * is in its files, with the module prefix taken off; the rest point into no stack.
 */
function attribute(diagnostics: readonly Diagnostic[], batch: readonly ScratchStack[]) {
  const owner = (d: Diagnostic) =>
    batch.find((s) => d.address?.startsWith(`module.${s.moduleName}.`) || (d.file !== undefined && isInside(d.file, s.dir)));
  const relative = (stack: ScratchStack | undefined) => ({ file: _file, ...d }: Diagnostic): Diagnostic => {
    const prefix = `module.${stack?.moduleName}.`;
    return { ...d, address: stack && d.address?.startsWith(prefix) ? d.address.slice(prefix.length) : d.address };
  };
  return {
    own: (stack: ScratchStack) => diagnostics.filter((d) => owner(d) === stack).map(relative(stack)),
    unplaced: diagnostics.filter((d) => owner(d) === undefined).map(relative(undefined)),
  };
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}

function planned(stack: ScratchStack, diagnostics: Diagnostic[], batch: BatchRun): StackValidation {
  const plan = stackPlan(batch.plan!, stack.moduleName);
  const planFile = path.join(stack.dir, 'plan.json');
  fs.writeFileSync(planFile, JSON.stringify(plan));
  return { stack: stack.name, ok: diagnostics.length === 0, diagnostics, seconds: batch.run.seconds, changes: changeSummary(plan), planFile };
}

function failed(stack: ScratchStack, diagnostics: Diagnostic[], batch: BatchRun): StackValidation {
  return { stack: stack.name, ok: false, diagnostics, seconds: batch.run.seconds };
}

const PLAN_TEST_FILE = 'zz_offline_plan.tftest.hcl';

/** The plan `terraform test -verbose` prints for the run, without the provider schemas it carries. */
function planOf(stdout: string): Plan | undefined {
  const line = stdout.split('\n').find((l) => l.includes('"test_plan"'));
  if (!line) return undefined;
  const { provider_schemas: _schemas, ...plan } = (JSON.parse(line) as { test_plan: Plan }).test_plan;
  return plan;
}

/** One stack's part of a batch plan, its addresses as if it had been planned alone. */
function stackPlan(plan: Plan, moduleName: string): Plan {
  const prefix = `module.${moduleName}`;
  const inModule = (address: string | undefined) => address === prefix || !!address?.startsWith(`${prefix}.`);
  const strip = (address: string) => address.slice(prefix.length + 1);
  return {
    resource_changes: (plan.resource_changes ?? [])
      .filter((rc) => inModule(rc.module_address))
      .map(({ module_address, ...rc }) => ({
        ...rc,
        address: strip(rc.address),
        ...(module_address !== prefix ? { module_address: strip(module_address!) } : {}),
      })),
  };
}

function changeSummary(plan: Plan): StackValidation['changes'] {
  const count = (action: string) => (plan.resource_changes ?? []).filter((rc) => rc.change.actions.includes(action)).length;
  return { add: count('create'), change: count('update'), destroy: count('delete') };
}

/**
 * A `terraform test` file whose only run plans the batch with `override_resource` stand-ins for the
 * attributes AWS assigns at apply (key, role, policy and instance ARNs and ids), shaped as AWS shapes
 * them and stable across runs.
 */
function planTest(stacks: readonly ScratchStack[]): string {
  const blocks = stacks.flatMap((stack) => {
    const region = stack.json.provider?.aws?.[0]?.region ?? 'us-east-1';
    const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
    const standIns = applyTimeStandIns(partition, region, stack.accountId);
    return Object.entries(standIns).flatMap(([type, standIn]) =>
      Object.entries(stack.json.resource?.[type] ?? {}).map(([name, config]) => {
        const values = Object.entries(standIn(name, config)).map(([k, v]) => `    ${k} = ${JSON.stringify(v)}`).join('\n');
        return `override_resource {\n  target          = module.${stack.moduleName}.${type}.${name}\n  override_during = plan\n  values = {\n${values}\n  }\n}\n`;
      }),
    );
  });
  return `${blocks.join('\n')}\nrun "plan" {\n  command = plan\n}\n`;
}

type StandIn = (name: string, config: Record<string, unknown>) => Record<string, string>;

function applyTimeStandIns(partition: string, region: string, accountId: string): Record<string, StandIn> {
  return {
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
    // ("Actions, resources, and condition keys for AWS IAM Identity Center") permissionSet/<instance id>/<set id>.
    aws_ssoadmin_permission_set: (name) => ({ arn: `arn:${partition}:sso:::permissionSet/ssoins-${hex(accountId, 16)}/ps-${hex(name, 16)}` }),
    aws_instance: (name) => {
      const id = `i-0${hex(name, 16)}`;
      return { id, arn: `arn:${partition}:ec2:${region}:${accountId}:instance/${id}` };
    },
  };
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
