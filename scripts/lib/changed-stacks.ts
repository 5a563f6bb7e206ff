import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Which stacks a change touches: the base (a git ref, its files the app reads copied out of git, with
 * this tree's installed dependencies) and the working tree are synthesized, and a stack is changed when its
 * synthesized configuration differs, what never reaches Terraform (cdktf's `//` metadata) left out.
 * Changes Terraform or the pipeline itself would see everywhere (the workflows, the lock file, the
 * Terraform version) touch every stack.
 */

export interface StackChange {
  readonly stack: string;
  readonly change: 'changed' | 'added' | 'removed' | 'dependent';
  /** What in the change could have done it: config, module code, dependency versions, ... */
  readonly reasons: readonly string[];
}

export interface ChangedStacks {
  readonly base: string;
  /** True when the change touches what every stack's plan depends on. */
  readonly everything: boolean;
  readonly changes: readonly StackChange[];
  /** The files the change touches, against the base. */
  readonly files: readonly string[];
}

/**
 * What a changed path says about the change, first match wins. Every file the app reads matches one (a
 * test keeps it so): a change to none of them changes no stack.
 */
const REASONS: readonly { readonly reason: string; readonly match: RegExp; readonly everything?: true }[] = [
  { reason: 'the workflows', match: /^\.github\/workflows\//, everything: true },
  // The lock file pins every dependency; package.json's own changes that matter change it too.
  { reason: 'dependency versions', match: /^package-lock\.json$/, everything: true },
  { reason: 'the Terraform version', match: /^(\.terraform-version|\.ci\/terraform-version)$/, everything: true },
  { reason: 'config', match: /^config\/.*\.json$/ },
  { reason: 'module code', match: /^modules\// },
  { reason: 'stack code', match: /^(stacks\/|main\.ts$|index\.ts$|config\/.*\.ts$|cdktf\.json$|scripts\/transpile-hook\.cjs$)/ },
];

/**
 * What the app reads, as git pathspecs, and package.json for Node's package scope: all the base's
 * synthesis needs of its tree (a test keeps it so).
 */
export const APP_INPUTS: readonly string[] = ['cdktf.json', 'config', 'index.ts', 'main.ts', 'modules', 'package.json', 'scripts/transpile-hook.cjs', 'stacks'];

/** The reasons the touched files give, and whether any of them touches every stack. */
export function reasonsOf(files: readonly string[]): { reasons: string[]; everything: boolean } {
  const found = REASONS.filter((r) => files.some((f) => r.match.test(f)));
  return { reasons: found.map((r) => r.reason), everything: found.some((r) => r.everything) };
}

/** A synthesized stack's configuration as Terraform reads it, without cdktf's metadata, keys in order. */
export function terraformView(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(terraformView);
  if (json && typeof json === 'object') {
    return Object.fromEntries(Object.entries(json as Record<string, unknown>)
      .filter(([key]) => key !== '//')
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => [key, terraformView(value)]));
  }
  return json;
}

/** Whether two synthesized configurations are the same to Terraform: the same text, or the same once read. */
export function sameToTerraform(a: string, b: string): boolean {
  const read = (text: string) => JSON.stringify(terraformView(JSON.parse(text)));
  return a === b || read(a) === read(b);
}

/** Each stack of a synthesized app (`cdktf.out`) as written, and its dependencies from the manifest. */
export function readSynthesis(outdir: string): { stacks: Map<string, string>; dependencies: Map<string, string[]> } {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string; dependencies?: string[] }> };
  const stacks = new Map<string, string>();
  const dependencies = new Map<string, string[]>();
  for (const [name, stack] of Object.entries(manifest.stacks)) {
    stacks.set(name, fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), 'utf8'));
    dependencies.set(name, stack.dependencies ?? []);
  }
  return { stacks, dependencies };
}

/** The stacks that differ between two syntheses, and those whose plan depends on one that does. */
export function compareSyntheses(
  base: Map<string, string>, head: Map<string, string>, dependencies: Map<string, string[]>, reasons: readonly string[],
): StackChange[] {
  const changes: StackChange[] = [];
  for (const [stack, json] of head) {
    if (!base.has(stack)) changes.push({ stack, change: 'added', reasons });
    else if (!sameToTerraform(base.get(stack)!, json)) changes.push({ stack, change: 'changed', reasons });
  }
  for (const stack of base.keys()) if (!head.has(stack)) changes.push({ stack, change: 'removed', reasons });
  const touched = new Set(changes.map((c) => c.stack));
  for (const [stack, needs] of dependencies) {
    const on = needs.filter((n) => touched.has(n));
    if (!touched.has(stack) && on.length > 0) changes.push({ stack, change: 'dependent', reasons: on.map((n) => `depends on ${n}`) });
  }
  return changes.sort((a, b) => a.stack.localeCompare(b.stack));
}

export interface ChangedStacksOptions {
  /** The project's directory (a git work tree). */
  readonly cwd: string;
  /**
   * Where to synthesize; kept when given (the working tree's synthesis is `headSynthesis(workdir)`),
   * else a temporary folder removed afterwards.
   * @default a temporary folder
   */
  readonly workdir?: string;
}

/** Where `changedStacks` leaves the working tree's synthesis in a `workdir` it was given. */
export function headSynthesis(workdir: string): string {
  return path.join(workdir, 'head.out');
}

/**
 * Synthesizes the base and the working tree side by side and compares them (see the top of this
 * file). A change none of whose files the app reads (docs, tests, scripts) touches no stack and
 * synthesizes nothing.
 */
export async function changedStacks(base: string, { cwd, workdir }: ChangedStacksOptions): Promise<ChangedStacks> {
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  let commit: string;
  try {
    commit = git('rev-parse', '--verify', `${base}^{commit}`).trim();
  } catch {
    throw new Error(`--base ${base}: no such commit in ${cwd} (a branch, tag or commit; fetch it first in a shallow clone)`);
  }
  const files = [...new Set([
    ...git('diff', '--name-only', commit).split('\n'),
    ...git('ls-files', '--others', '--exclude-standard').split('\n'),
  ].filter(Boolean))].sort();
  const { reasons, everything } = reasonsOf(files);
  if (reasons.length === 0) return { base, everything, changes: [], files };
  const dir = workdir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ssk-changed-'));
  const tree = path.join(dir, 'base');
  try {
    // The base's copy of what the app reads, with this tree's installed dependencies.
    const present = git('ls-tree', '--name-only', commit, '--', ...APP_INPUTS).split('\n').filter(Boolean);
    fs.mkdirSync(tree, { recursive: true });
    const archive = spawnSync('git', ['archive', '--format=tar', commit, '--', ...present], { cwd, maxBuffer: 1 << 30 });
    const unpacked = archive.status === 0 && spawnSync('tar', ['-x', '-C', tree], { input: archive.stdout }).status === 0;
    if (!unpacked) throw new Error(`--base ${base}: could not copy its files out of git: ${archive.stderr.toString()}`);
    fs.symlinkSync(path.join(cwd, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
    // Two processes, one a core: each synthesis is single-threaded.
    const [baseOut, headOut] = await Promise.all([synthesizeIn(tree, path.join(dir, 'base.out')), synthesizeIn(cwd, headSynthesis(dir))]);
    const before = readSynthesis(baseOut);
    const after = readSynthesis(headOut);
    const changes = everything
      ? [...new Set([...after.stacks.keys(), ...before.stacks.keys()])].sort().map((stack): StackChange => ({
        stack, change: !before.stacks.has(stack) ? 'added' : !after.stacks.has(stack) ? 'removed' : 'changed', reasons,
      }))
      : compareSyntheses(before.stacks, after.stacks, after.dependencies, reasons);
    return { base, everything, changes, files };
  } finally {
    fs.rmSync(workdir ? tree : dir, { recursive: true, force: true });
  }
}

/** The app of the tree at `dir`, synthesized as `npm run synth` does, into `outdir`. */
async function synthesizeIn(dir: string, outdir: string): Promise<string> {
  const { app } = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.json'), 'utf8')) as { app: string };
  const [, ...args] = app.split(' ');
  const child = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, CDKTF_OUTDIR: outdir, SSK_CONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve));
  if (code !== 0) throw new Error(`synthesizing ${dir} failed:\n${output}`);
  return outdir;
}
