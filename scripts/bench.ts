import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { APP, BUDGETS, type BenchRecord, FLOOR, type Result, TEST_SUITE, VALIDATE_5, VALIDATE_100, writeFigures } from './lib/bench-figures';
import { formatVerdicts, judge, machineDescription } from './lib/budgets';
import { generatedConfig } from './lib/generated-config';
import { appCommand } from './lib/synth';
import { assertProviderAvailable } from './lib/terraform';
import { parseArguments, usageError } from './lib/usage';

/**
 * `npm run bench`: median wall time and peak memory of synthesis, over several runs each after one
 * warm-up run: the README's synth command, the app process it starts, the cdktf CLI, the bare cost of
 * loading cdktf and the provider classes the app uses (the floor), and generated configs of 1 to 100
 * environments with 5 instances each; then offline validation (`npm run validate`'s script: synth and
 * plan) of the project's 5 stacks and of 20 and 100 generated environments; then `npm test`; then the
 * deploy walk against the AWS emulator (`npm run test:deploy`, BENCH_DEPLOY_RUNS runs). Prints the
 * machine, a table, and each budget with its figure (OVER where exceeded), and writes
 * bench-results.json. BENCH_RUNS sets the runs per synth case (default 5), BENCH_VALIDATE_RUNS per
 * validation case (default 3).
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

/**
 * Median wall time and peak memory of a command over RUNS runs after one warm-up run (which fills the
 * transpile and file system caches). Each run is paired with a run of the floor just before it, and
 * the case's ratio to the floor is the median of the pairs' ratios: this machine's speed drifts by a
 * third within a minute, which a ratio of two separate medians would carry into the figure.
 */
function measure(name: string, command: string[], floor: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Result {
  const seconds: number[] = [];
  const peaks: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const base = runOnce('floor', floor, {}, ROOT);
    const run = runOnce(name, command, env, cwd);
    if (i === 0) continue;
    seconds.push(run.seconds);
    if (run.peakMb !== null) peaks.push(run.peakMb);
    ratios.push(run.seconds / base.seconds);
  }
  return { case: name, runs: RUNS, medianSeconds: median(seconds), medianPeakMb: peaks.length ? Math.round(median(peaks)) : null, timesFloor: round(median(ratios)) };
}

/** Like `measure`, for a command that starts many processes: memory is the peak of the whole tree. */
async function measureTree(name: string, command: string[], env: NodeJS.ProcessEnv, runs: number, warmUp = true): Promise<Result> {
  const seconds: number[] = [];
  const peaks: number[] = [];
  const cpu: number[] = [];
  for (let i = warmUp ? 0 : 1; i <= runs; i++) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssk-bench-'));
    // GNU time's CPU figures cover every descendant its child waited for, as Terraform and jest do.
    const cpuFile = `${outdir}.cpu`;
    const argv = fs.existsSync(TIME) ? [TIME, '-o', cpuFile, '-f', '%U %S', ...command] : command;
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, env: { ...process.env, CDKTF_OUTDIR: outdir, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, treeMemoryKb(child.pid!))), 500);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(sampler);
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const times = fs.existsSync(cpuFile) ? fs.readFileSync(cpuFile, 'utf8').trim().split(/\s+/).map(Number) : [];
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.rmSync(cpuFile, { force: true });
    if (code !== 0) throw new Error(`${name} failed:\n${stderr}`);
    if (i === 0) continue;
    seconds.push(wall);
    peaks.push(peak / 1024);
    if (times.length === 2) cpu.push(times[0] + times[1]);
  }
  return {
    case: name, runs, medianSeconds: median(seconds), medianPeakMb: Math.round(median(peaks)),
    ...(cpu.length > 0 ? { cpuSeconds: round(median(cpu)) } : {}),
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

/** A generated config of `count` environments, written to a scratch file. */
function generatedConfigFile(count: number): string {
  const file = path.join(scratchDir('ssk-bench-config-'), 'environments.json');
  fs.writeFileSync(file, JSON.stringify(generatedConfig(count)));
  return file;
}

/** A package whose only script does nothing: what `npm run` costs before the app starts. */
function noopPackage(): string {
  const dir = scratchDir('ssk-bench-npm-');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'noop', private: true, scripts: { noop: 'true' } }));
  return dir;
}

interface Case {
  readonly name: string;
  readonly run: () => Result | Promise<Result>;
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
  const floor = [node, '-e', ['cdktf', ...providerModulesUsed()].map((m) => `require(${JSON.stringify(m)});`).join('')];
  const synth = (name: string, command: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Case => ({ name, run: () => measure(name, command, floor, env, cwd) });
  const synthCases: Case[] = [
    synth('npm run synth (3 environments, 5 stacks)', ['npm', 'run', '-s', 'synth']),
    synth(APP, app),
    synth("npm's own start (npm run of a no-op script)", ['npm', 'run', '-s', 'noop'], {}, noopPackage()),
    synth('cdktf synth (3 environments, 5 stacks)', [path.join(ROOT, 'node_modules', '.bin', 'cdktf'), 'synth', '--output', path.join(os.tmpdir(), 'ssk-bench-cdktf')], { CI: '1' }),
    synth(FLOOR, floor),
    ...[1, 10, 50, 100].map((n) => synth(`app: ${n} environment${n === 1 ? '' : 's'} x 5 instances`, app, { SSK_CONFIG: generatedConfigFile(n) })),
  ];
  const cases = [...synthCases, ...validationCases(), testSuiteCase(), deployWalkCase()];
  const wanted = args.positional;
  const selected = cases.filter((c) => wanted.length === 0 || wanted.some((w) => c.name.includes(w)));
  if (selected.length === 0) return void usageError(USAGE, `no case matches ${wanted.join(', ')}; the cases:\n${cases.map((c) => `  ${c.name}`).join('\n')}`);
  await assertProviderAvailable();
  const results: Result[] = [];
  for (const c of selected) results.push(await c.run());
  const machine = machineDescription();
  const width = Math.max(...results.map((r) => r.case.length));
  console.log(`measured on ${machine}`);
  console.log(`${'case'.padEnd(width)}  median s  x floor  peak MB    CPU s   (${RUNS} runs each, validation ${VALIDATE_RUNS})`);
  for (const r of results) {
    const ratio = r.timesFloor === undefined ? '' : r.timesFloor.toFixed(2);
    const cpu = r.cpuSeconds === undefined ? '' : r.cpuSeconds.toFixed(1);
    console.log(`${r.case.padEnd(width)}  ${r.medianSeconds.toFixed(2).padStart(8)}  ${ratio.padStart(7)}  ${String(r.medianPeakMb ?? 'n/a').padStart(7)}  ${cpu.padStart(7)}`);
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

/** `npm run validate`'s script (synth, then plan every stack offline) on 5 stacks, 20 and 100 environments. */
function validationCases(): Case[] {
  const validate = [process.execPath, '--require', path.join(ROOT, 'scripts', 'transpile-hook.cjs'), path.join(ROOT, 'scripts', 'validate.ts')];
  const cases: [string, NodeJS.ProcessEnv | (() => NodeJS.ProcessEnv)][] = [
    [VALIDATE_5, {}],
    ['validate: 20 environments x 5 instances (22 stacks)', () => ({ SSK_CONFIG: generatedConfigFile(20) })],
    [VALIDATE_100, () => ({ SSK_CONFIG: generatedConfigFile(100) })],
  ];
  // No warm-up: the synth cases before them have filled the transpile cache and read the provider binary.
  return cases.map(([name, env]) => ({ name, run: () => measureTree(name, validate, typeof env === 'function' ? env() : env, VALIDATE_RUNS, false) }));
}

/**
 * `npm test`: the whole suite, once after a warm-up run that fills jest's transform cache and the
 * type check's build info (BENCH_TEST_RUNS runs, default 1).
 */
function testSuiteCase(): Case {
  const runs = Number(process.env.BENCH_TEST_RUNS ?? 1);
  return { name: TEST_SUITE, run: () => measureTree(TEST_SUITE, ['npm', 'test', '--silent'], {}, runs) };
}

/**
 * `npm run test:deploy`: the README's walk against the AWS emulator, every stack applied, re-planned,
 * changed, drifted and destroyed. Minutes a run, so BENCH_DEPLOY_RUNS runs (default 1) and no warm-up.
 */
function deployWalkCase(): Case {
  const name = 'deploy walk: npm run test:deploy (5 stacks, emulator)';
  const runs = Number(process.env.BENCH_DEPLOY_RUNS ?? 1);
  return { name, run: () => measureTree(name, ['npm', 'run', '-s', 'test:deploy'], {}, runs, false) };
}

main()
  .catch((e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
  });
