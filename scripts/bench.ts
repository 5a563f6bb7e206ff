import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import {
  APP, BUDGETS, type BenchRecord, DETECT, FLOOR, FLOOR_ENVIRONMENT_STACK, LEAST_CHANGE, PLAN_CHANGE, PLAN_EVERYTHING, type Result, SYNTH_100, TERRAFORM_FLOOR, TEST_SUITE, UNIT_TESTS, VALIDATE_5, writeFigures,
} from './lib/bench-figures';
import { formatVerdicts, judge, machineDescription } from './lib/budgets';
import { generatedConfig } from './lib/generated-config';
import { appCommand, synthesize } from './lib/synth';
import { plainStack } from './lib/plain-plan';
import { assertProviderAvailable, Terraform } from './lib/terraform';
import { parseArguments, usageError } from './lib/usage';

/**
 * `npm run bench`: what users wait for, each ratio measured within one run. Synthesis: median wall
 * time and peak memory over several runs each after one warm-up run (the README's synth command, the
 * app process it starts, the cdktf CLI, the bare cost of loading cdktf and the provider classes the app
 * uses, which is the floor, and generated configs of 1 to 100 environments of 5 instances). Then, on
 * a generated config of 100 environments: planning every stack offline (`npm run validate`); a
 * one-environment change in a repository of its own, its detection (`npm run changed-stacks`, each run
 * paired with one synthesis of the config) and its plan (`npm run validate -- --changed`); and
 * Terraform's floor, plain `terraform plan` of each kind of stack. Then the project's own 5-stack
 * validation, `npm test`, `npm run test:unit`, and the deploy walk against the AWS emulator. Prints
 * the machine, a table, and each budget with its figure (OVER where exceeded), and writes
 * bench-results.json. BENCH_RUNS sets the runs per synthesis case (default 5), BENCH_VALIDATE_RUNS
 * per plan case (default 3).
 */
const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const VALIDATE_RUNS = Number(process.env.BENCH_VALIDATE_RUNS ?? 3);
const TIME = '/usr/bin/time';
/** Temporary folders the cases need, removed at the end. */
const scratch: string[] = [];

function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** One run of a command: wall seconds (GNU time's when installed) and peak resident MB (null without it). */
function runOnce(name: string, command: string[], env: NodeJS.ProcessEnv, cwd: string): { seconds: number; peakMb: number | null } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssk-bench-'));
  const argv = fs.existsSync(TIME) ? [TIME, '-f', 'BENCH %e %M', ...command] : command;
  const started = process.hrtime.bigint();
  const run = spawnSync(argv[0], argv.slice(1), {
    cwd,
    env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1', ...env },
    encoding: 'utf8',
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  fs.rmSync(outdir, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`${name} failed:\n${run.stderr}`);
  const line = /BENCH ([\d.]+) (\d+)/.exec(run.stderr);
  return { seconds: line ? Number(line[1]) : wall, peakMb: line ? Number(line[2]) / 1024 : null };
}

/** A command and the variables it runs with. */
interface Command {
  readonly argv: string[];
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Median wall time and peak memory of a command over RUNS runs after one warm-up run (which fills the
 * transpile and file system caches). Each run is paired with a run of `base` (the floor, or the case
 * named `pairedWith`) just before it, and the case's ratio to it is the median of the pairs' ratios:
 * this machine's speed drifts by a third within a minute, which a ratio of two separate medians would
 * carry into the figure.
 */
function measure(name: string, command: string[], base: Command, env: NodeJS.ProcessEnv = {}, cwd = ROOT, pairedWith?: string): Result {
  const seconds: number[] = [];
  const peaks: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const before = runOnce(pairedWith ?? 'floor', base.argv, base.env ?? {}, ROOT);
    const run = runOnce(name, command, env, cwd);
    if (i === 0) continue;
    seconds.push(run.seconds);
    if (run.peakMb !== null) peaks.push(run.peakMb);
    ratios.push(run.seconds / before.seconds);
  }
  return {
    case: name, runs: RUNS, medianSeconds: median(seconds), medianPeakMb: peaks.length ? Math.round(median(peaks)) : null,
    timesFloor: round(median(ratios)), ...(pairedWith ? { pairedWith } : {}),
  };
}

interface TreeOptions {
  /** @default the project */
  readonly cwd?: string;
  /** @default one warm-up run before those measured */
  readonly warmUp?: boolean;
  /** The environment as given, not over this process's. @default false */
  readonly ownEnv?: boolean;
  /** The stacks a run planned, from what it printed. */
  readonly stacksOf?: (stdout: string) => number;
}

/** Like `measure`, for a command that starts many processes: memory is the peak of the whole tree. */
async function measureTree(name: string, command: string[], env: NodeJS.ProcessEnv, runs: number, options: TreeOptions = {}): Promise<Result> {
  const { cwd = ROOT, warmUp = true, ownEnv = false, stacksOf } = options;
  const seconds: number[] = [];
  const peaks: number[] = [];
  const cpu: number[] = [];
  let stacks: number | undefined;
  for (let i = warmUp ? 0 : 1; i <= runs; i++) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssk-bench-'));
    // GNU time's CPU figures cover every descendant its child waited for, as Terraform and jest do.
    const cpuFile = `${outdir}.cpu`;
    const argv = fs.existsSync(TIME) ? [TIME, '-o', cpuFile, '-f', '%U %S', ...command] : command;
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd, env: { ...(ownEnv ? {} : process.env), CDKTF_OUTDIR: outdir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, treeMemoryKb(child.pid!))), 500);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(sampler);
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const times = fs.existsSync(cpuFile) ? fs.readFileSync(cpuFile, 'utf8').trim().split(/\s+/).map(Number) : [];
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.rmSync(cpuFile, { force: true });
    if (code !== 0) throw new Error(`${name} failed:\n${stdout}${stderr}`);
    if (i === 0) continue;
    stacks = stacksOf?.(stdout);
    seconds.push(wall);
    peaks.push(peak / 1024);
    if (times.length === 2) cpu.push(times[0] + times[1]);
  }
  return {
    case: name, runs, medianSeconds: median(seconds), medianPeakMb: Math.round(median(peaks)),
    ...(cpu.length > 0 ? { cpuSeconds: round(median(cpu)) } : {}), ...(stacks === undefined ? {} : { stacks }),
  };
}

/**
 * Resident memory of a process and all its descendants that is their own, in kB, from /proc: resident
 * pages less shared ones. Every provider process maps the same 700 MB binary, which the page cache holds
 * once; summing RSS would count it per process. (`statm`, not `smaps_rollup`: reading that walks each
 * process's page tables, which slowed the runs it measured.)
 */
const PAGE_KB = 4;

function treeMemoryKb(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(`/proc/${entry}/stat`);
    // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
    const ppid = Number(stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  let total = 0;
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    const [, resident, shared] = (readProc(`/proc/${pid}/statm`) ?? '0 0 0').split(' ').map(Number);
    total += ((resident - shared) * PAGE_KB) || 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** A /proc file, or undefined when the process has gone. */
function readProc(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The provider classes the app imports, found in its own sources. */
function providerModulesUsed(): string[] {
  const sources = ['main.ts', 'config', 'stacks', 'modules'].flatMap((p) => listTs(path.join(ROOT, p)));
  const found = new Set<string>();
  for (const file of sources) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/from '(@cdktf\/provider-aws\/lib\/[\w-]+)'/g)) found.add(m[1]);
  }
  return [...found].sort();
}

function listTs(p: string): string[] {
  if (fs.statSync(p).isFile()) return p.endsWith('.ts') ? [p] : [];
  return fs.readdirSync(p).flatMap((name) => listTs(path.join(p, name)));
}

const configFiles = new Map<number, string>();

/** A generated config of `count` environments, written to a scratch file once. */
function generatedConfigFile(count: number): string {
  if (!configFiles.has(count)) {
    const file = path.join(scratchDir('ssk-bench-config-'), 'environments.json');
    fs.writeFileSync(file, JSON.stringify(generatedConfig(count)));
    configFiles.set(count, file);
  }
  return configFiles.get(count)!;
}

/** A package whose only script does nothing: what `npm run` costs before the app starts. */
function noopPackage(): string {
  const dir = scratchDir('ssk-bench-npm-');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'noop', private: true, scripts: { noop: 'true' } }));
  return dir;
}

interface Case {
  readonly name: string;
  /** One result, or a few where a case measures parts of a whole. */
  readonly run: () => Result | Result[] | Promise<Result | Result[]>;
}

const USAGE = `usage: npm run bench -- [--record] [word ...]
  word      only the cases whose names hold one of the words (default every case; the floor runs with
            each synthesis case regardless)
  --record  also write the run to docs/bench-results.json and its figures into docs/performance.md
            (section Measured): the guides' figures come from that file only
BENCH_RUNS (default 5), BENCH_VALIDATE_RUNS (3), BENCH_TEST_RUNS (1), BENCH_DEPLOY_RUNS (1): runs per case.`;

async function main(): Promise<void> {
  const args = parseArguments(USAGE, { flags: ['--record'] });
  if (!args) return;
  const node = process.execPath;
  const app = appCommand();
  const floor: Command = { argv: [node, '-e', ['cdktf', ...providerModulesUsed()].map((m) => `require(${JSON.stringify(m)});`).join('')] };
  const synth = (name: string, command: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Case => ({ name, run: () => measure(name, command, floor, env, cwd) });
  const synthCases: Case[] = [
    synth('npm run synth (3 environments, 5 stacks)', ['npm', 'run', '-s', 'synth']),
    synth(APP, app),
    synth("npm's own start (npm run of a no-op script)", ['npm', 'run', '-s', 'noop'], {}, noopPackage()),
    synth('cdktf synth (3 environments, 5 stacks)', [path.join(ROOT, 'node_modules', '.bin', 'cdktf'), 'synth', '--output', path.join(os.tmpdir(), 'ssk-bench-cdktf')], { CI: '1' }),
    synth(FLOOR, floor.argv),
    ...[1, 10, 50, 100].map((n) => synth(`app: ${n} environment${n === 1 ? '' : 's'} x 5 instances`, app, { SSK_CONFIG: generatedConfigFile(n) })),
  ];
  const cases = [...synthCases, ...scaleCases(app), ...contributorCases()];
  const wanted = args.positional;
  const selected = cases.filter((c) => wanted.length === 0 || wanted.some((w) => c.name.includes(w)));
  if (selected.length === 0) return void usageError(USAGE, `no case matches ${wanted.join(', ')}; the cases:\n${cases.map((c) => `  ${c.name}`).join('\n')}`);
  await assertProviderAvailable();
  const results: Result[] = [];
  for (const c of selected) results.push(...[await c.run()].flat());
  results.push(...leastChange(results));
  const machine = machineDescription();
  const width = Math.max(...results.map((r) => r.case.length));
  console.log(`measured on ${machine}`);
  console.log(`${'case'.padEnd(width)}  median s  x floor  peak MB    CPU s  stacks  (${RUNS} runs each, plans ${VALIDATE_RUNS})`);
  for (const r of results) {
    const ratio = r.timesFloor === undefined ? '' : r.timesFloor.toFixed(2);
    const cpu = r.cpuSeconds === undefined ? '' : r.cpuSeconds.toFixed(1);
    console.log(`${r.case.padEnd(width)}  ${r.medianSeconds.toFixed(2).padStart(8)}  ${ratio.padStart(7)}  ${String(r.medianPeakMb ?? 'n/a').padStart(7)}  ${cpu.padStart(7)}  ${String(r.stacks ?? '').padStart(6)}`);
  }
  const verdicts = judge(results, BUDGETS);
  console.log('\nbudgets (each ratio measured within this run):');
  for (const line of formatVerdicts(verdicts)) console.log(`  ${line}`);
  const record: BenchRecord = { date: new Date().toISOString(), machine, results, budgets: verdicts };
  fs.writeFileSync(path.join(ROOT, 'bench-results.json'), `${JSON.stringify(record, null, 2)}\n`);
  if (args.flags.has('--record')) {
    fs.writeFileSync(path.join(ROOT, 'docs', 'bench-results.json'), `${JSON.stringify(record, null, 2)}\n`);
    writeFigures(ROOT);
  }
}

/** A script of the project's, as `npm run` starts it. */
function script(name: string, root = ROOT): string[] {
  return [process.execPath, '--require', path.join(root, 'scripts', 'transpile-hook.cjs'), path.join(root, 'scripts', `${name}.ts`)];
}

/** The stacks `npm run validate` planned, from its summary line. */
function stacksPlanned(stdout: string): number {
  const summary = /^(\d+) passed, (\d+) failed$/m.exec(stdout);
  return summary ? Number(summary[1]) + Number(summary[2]) : 0;
}

/**
 * What a hundred environments wait for: every stack planned, against a one-environment change found
 * and planned, and against plain Terraform planning the same stacks. No warm-up for planning
 * everything: the synthesis cases before it have filled the transpile cache and read the provider binary.
 */
function scaleCases(app: string[]): Case[] {
  const config = () => ({ SSK_CONFIG: generatedConfigFile(100) });
  const synth100: () => Command = () => ({ argv: app, env: config() });
  const noWarmUp = { warmUp: false, stacksOf: stacksPlanned };
  return [
    { name: VALIDATE_5, run: () => measureTree(VALIDATE_5, script('validate'), {}, VALIDATE_RUNS, noWarmUp) },
    { name: PLAN_EVERYTHING, run: () => measureTree(PLAN_EVERYTHING, script('validate'), config(), VALIDATE_RUNS, noWarmUp) },
    { name: DETECT, run: () => measure(DETECT, script('changed-stacks', changeRepo()).concat('--base', 'HEAD'), synth100(), {}, changeRepo(), SYNTH_100) },
    // A warm-up run, as the cases it is compared with have: the repository's copy of the scripts is new to the transpile cache.
    { name: PLAN_CHANGE, run: () => measureTree(PLAN_CHANGE, script('validate', changeRepo()).concat('--changed', 'HEAD'), {}, VALIDATE_RUNS, { cwd: changeRepo(), stacksOf: stacksPlanned }) },
    { name: TERRAFORM_FLOOR, run: () => terraformFloor(generatedConfigFile(100)) },
  ];
}

let repo: string | undefined;

/**
 * A repository of its own holding this working tree with the generated config of 100 environments
 * committed, and one environment's config changed in its working tree: a pull request's change.
 */
function changeRepo(): string {
  if (repo) return repo;
  repo = path.join(scratchDir('ssk-bench-repo-'), 'repo');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files.filter((f) => fs.existsSync(path.join(ROOT, f)))) fs.cpSync(path.join(ROOT, file), path.join(repo, file));
  const configFile = path.join(repo, 'config', 'environments.json');
  const config = generatedConfig(100);
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', ...args], { cwd: repo, stdio: 'ignore' });
  git('init', '--quiet');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'base');
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(repo, 'node_modules'), 'dir');
  config.environments.env42.sessionLogging.idleSessionTimeoutMinutes = 25;
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  return repo;
}

/**
 * Terraform's own floor for the stacks `npm run validate` plans: plain `terraform init` and `plan` of a
 * synthesized stack alone in a fresh folder, as a team that runs Terraform itself would, offline with
 * the same stand-in and the same Terraform settings. The generated environments differ only in names
 * and accounts, so each kind of stack (bootstrap, organization, environment) is measured and counted as
 * often as it occurs. What Terraform does there is the floor: install the provider (from the mirror
 * or the plugin cache), start a provider process per provider configuration in each of its validate
 * and plan walks and one for the schema, and its own work.
 */
async function terraformFloor(configFile: string): Promise<Result[]> {
  const outdir = scratchDir('ssk-bench-floor-');
  synthesize(outdir, { SSK_CONFIG: configFile });
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
  const names = Object.keys(manifest.stacks);
  const environments = names.filter((n) => /^env\d+$/.test(n)).length;
  const kinds = [
    { stack: 'env1', count: environments, name: FLOOR_ENVIRONMENT_STACK },
    { stack: 'bootstrap', count: 1, name: "Terraform's floor: plain terraform init and plan of the bootstrap stack" },
    { stack: 'organization', count: 1, name: "Terraform's floor: plain terraform init and plan of the organization stack" },
  ];
  if (environments + 2 !== names.length) throw new Error(`${TERRAFORM_FLOOR}: stacks of a kind not measured among ${names.join(', ')}`);
  const work = scratchDir('ssk-bench-plain-');
  const terraform = new Terraform(work);
  const fresh = 'rm -rf .terraform .terraform.lock.hcl && terraform init -input=false -no-color >/dev/null && terraform plan -input=false -no-color -lock=false';
  const results: Result[] = [];
  for (const kind of kinds) {
    const plain = await plainStack(outdir, kind.stack, work);
    try {
      results.push({ ...await measureTree(kind.name, ['sh', '-c', fresh], terraform.environment(plain.env), VALIDATE_RUNS, { cwd: plain.dir, ownEnv: true }), stacks: 1 });
    } finally {
      await plain.close();
    }
  }
  const total = (figure: (r: Result) => number) => kinds.reduce((sum, kind, i) => sum + figure(results[i]) * kind.count, 0);
  return [...results, {
    case: TERRAFORM_FLOOR, runs: VALIDATE_RUNS, medianSeconds: round(total((r) => r.medianSeconds)),
    medianPeakMb: Math.max(...results.map((r) => r.medianPeakMb ?? 0)), cpuSeconds: round(total((r) => r.cpuSeconds ?? NaN)), stacks: names.length,
  }];
}

/** The least a one-environment change costs, from figures of this run: its config synthesized, its stack planned by Terraform alone. */
function leastChange(results: readonly Result[]): Result[] {
  const synth = results.find((r) => r.case === SYNTH_100);
  const stack = results.find((r) => r.case === FLOOR_ENVIRONMENT_STACK);
  if (!synth || !stack) return [];
  return [{ case: LEAST_CHANGE, runs: Math.min(synth.runs, stack.runs), medianSeconds: round(synth.medianSeconds + stack.medianSeconds), medianPeakMb: null, stacks: 1 }];
}

/**
 * What contributors wait for: `npm test`, the whole suite, and `npm run test:unit`, once each after a
 * warm-up run that fills jest's transform cache and the type check's build info (BENCH_TEST_RUNS runs,
 * default 1); and `npm run test:deploy`, the README's walk against the AWS emulator, every stack
 * applied, re-planned, changed, drifted and destroyed: minutes a run, so BENCH_DEPLOY_RUNS runs
 * (default 1) and no warm-up.
 */
function contributorCases(): Case[] {
  const runs = Number(process.env.BENCH_TEST_RUNS ?? 1);
  const walk = 'deploy walk: npm run test:deploy (5 stacks, emulator)';
  return [
    { name: TEST_SUITE, run: () => measureTree(TEST_SUITE, ['npm', 'test', '--silent'], {}, runs) },
    { name: UNIT_TESTS, run: () => measureTree(UNIT_TESTS, ['npm', 'run', '-s', 'test:unit'], {}, runs) },
    { name: walk, run: () => measureTree(walk, ['npm', 'run', '-s', 'test:deploy'], {}, Number(process.env.BENCH_DEPLOY_RUNS ?? 1), { warmUp: false }) },
  ];
}

main()
  .catch((e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
  });
