import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Preloaded by every TypeScript entry point: transpiles .ts on require, with a content-keyed cache. */
export const TRANSPILE_HOOK = path.join(ROOT, 'scripts', 'transpile-hook.cjs');

export interface SynthResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the app as `npm run synth` does (TypeScript transpiled, not type-checked) into `outdir`. */
export function runSynth(outdir: string, env: NodeJS.ProcessEnv = {}): SynthResult {
  const run = spawnSync(process.execPath, ['--require', TRANSPILE_HOOK, path.join(ROOT, 'main.ts')], {
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
