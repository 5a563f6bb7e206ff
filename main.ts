import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { loadConfig } from './config/load';
import { ConfigError } from './config/validate';
import { complianceSuppressions } from './modules/compliance';
import { createStacks } from './stacks';

/**
 * The cdktf app: validate the whole config first, so that a bad value stops the run before anything
 * is written, then synthesize one stack per environment, the bootstrap stack and, when configured, the
 * organization stack, each held to the compliance rules.
 */
function main(): void {
  const started = process.hrtime.bigint();
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // Where the App would write (cdktf's default), without creating it.
    fail(process.env.CDKTF_OUTDIR ?? 'cdktf.out', e.message);
  }
  const stackTraces = process.env.SSK_STACK_TRACES === '1';
  if (!stackTraces) skipTokenStackTraces();
  const app = new App({ stackTraces });
  const stacks = createStacks(app, config);
  try {
    app.synth();
  } catch (e) {
    // Compliance violations and other validation errors: the message names each construct path.
    fail(app.outdir, (e as Error).message);
  }
  for (const s of complianceSuppressions(app)) console.log(`compliance: ${s.rule} suppressed at ${s.path}: ${s.reason}`);
  const names = stacks.all.map((s) => s.node.id);
  removeOrphanedStacks(app.outdir, names);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const relative = path.relative(process.cwd(), path.join(app.outdir, 'stacks'));
  console.log(`synthesized ${names.length} stacks (${names.join(', ')}) into ${relative.startsWith('..') ? path.join(app.outdir, 'stacks') : relative} in ${seconds.toFixed(1)} s`);
}

/**
 * cdktf captures a full stack trace for every token it creates, kept only for the message of a token
 * that fails to resolve; the synthesized stacks never contain them, and capturing them took about a
 * tenth of the app's time. `SSK_STACK_TRACES=1` keeps them (and construct metadata traces) for debugging.
 */
function skipTokenStackTraces(): void {
  const file = path.join(path.dirname(require.resolve('cdktf')), 'tokens', 'private', 'stack-trace.js');
  const module = require(file) as { captureStackTrace?: () => string[] };
  if (typeof module.captureStackTrace === 'function') module.captureStackTrace = () => [];
}

/** Stops with the error, and removes the previous output, so that no stack of an older config is left to deploy. */
function fail(outdir: string, message: string): never {
  console.error(message);
  const stacksDir = path.join(outdir, 'stacks');
  if (fs.existsSync(stacksDir)) {
    fs.rmSync(stacksDir, { recursive: true, force: true });
    fs.rmSync(path.join(outdir, 'manifest.json'), { force: true });
    console.error(`Removed ${stacksDir}, the previous synth's stacks: nothing stale remains to deploy.`);
  }
  process.exit(1);
}

/** Run outside the cdktf CLI, nothing else clears the output of an environment since removed. */
function removeOrphanedStacks(outdir: string, current: readonly string[]): void {
  const stacksDir = path.join(outdir, 'stacks');
  for (const name of fs.readdirSync(stacksDir)) {
    if (!current.includes(name)) fs.rmSync(path.join(stacksDir, name), { recursive: true, force: true });
  }
}

main();
