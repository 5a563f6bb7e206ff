import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Preloaded by every TypeScript entry point: transpiles .ts on require, with a content-keyed cache. */
export const TRANSPILE_HOOK = path.join(ROOT, 'scripts', 'transpile-hook.cjs');

export interface SynthResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The app command from cdktf.json (which `npm run synth` repeats), as arguments for this Node binary.
 */
export function appCommand(): string[] {
  const { app } = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8')) as { app: string };
  const [program, ...args] = app.split(' ');
  if (program !== 'node') throw new Error(`cdktf.json: the app command should start with node, not ${program}`);
  return [process.execPath, ...args];
}

/** Runs the app as `npm run synth` does (TypeScript transpiled, not type-checked) into `outdir`. */
export function runSynth(outdir: string, env: NodeJS.ProcessEnv = {}): SynthResult {
  const [node, ...args] = appCommand();
  const run = spawnSync(node, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
  });
  return { status: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

/** Synthesizes into `outdir` or throws with what the app printed. */
export function synthesize(outdir: string, env: NodeJS.ProcessEnv = {}): void {
  const run = runSynth(outdir, env);
  if (run.status !== 0) throw new Error(`synth failed:\n${run.stderr || run.stdout}`);
}
