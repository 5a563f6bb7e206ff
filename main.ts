import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { endedGrants } from './config/grants';
import { loadConfig } from './config/load';
import { ConfigError } from './config/validate';
import { complianceSuppressions } from './modules/compliance';
import { createStacks } from './stacks';

/**
 * The cdktf app: validate the whole config first, so that a bad value stops the run before anything
 * is written, then synthesize one stack per environment, the bootstrap stack and, when configured, the
 * organization stack, each held to the compliance rules.
 */
const USAGE = `usage: npm run synth
Validates the config (config/environments.json, or the file SSK_CONFIG names), then writes every stack into
cdktf.out/stacks (or CDKTF_OUTDIR), one folder a stack; no AWS credentials needed. A rejected config writes
nothing and takes the previous synth's configuration (cdk.tf.json) out of each stack's folder, keeping
.terraform/, lock files and saved plans.`;

function main(): void {
  if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  if (process.argv.length > 2) {
    process.stderr.write(`unexpected argument ${process.argv[2]}\n\n${USAGE}\n`);
    process.exit(2);
  }
  const started = process.hrtime.bigint();
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // Where the App would write (cdktf's default), without creating it.
    fail(process.env.CDKTF_OUTDIR ?? 'cdktf.out', e.message);
  }
  for (const g of endedGrants(config, new Date())) {
    console.warn(`warning: environment "${g.environment}", field "accessGroups.${g.group}.createRole.temporaryGrants[${g.index}]": ${g.principalArn}'s grant ended ${g.until}; npm run -s grant -- --prune removes it`);
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

/**
 * Stops with the error. The previous synth's configuration goes, so that no stack of an older config is
 * planned or deployed (Terraform finds no configuration in its folder), and nothing else does: the
 * `.terraform/` folders, lock files, saved plans and state that Terraform or a user made there stay.
 */
function fail(outdir: string, message: string): never {
  console.error(message);
  const stacksDir = path.join(outdir, 'stacks');
  const cleared = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).filter((name) => removeSynthesized(path.join(stacksDir, name))) : [];
  fs.rmSync(path.join(outdir, 'manifest.json'), { force: true });
  if (cleared.length > 0) {
    console.error(`Took the previous synth's cdk.tf.json out of ${stacksDir} (${cleared.join(', ')}): nothing stale remains to plan or deploy; .terraform/, lock files and saved plans are kept.`);
  }
  process.exit(1);
}

/** Run outside the cdktf CLI, nothing else clears the output of an environment since removed. */
function removeOrphanedStacks(outdir: string, current: readonly string[]): void {
  const stacksDir = path.join(outdir, 'stacks');
  for (const name of fs.readdirSync(stacksDir)) {
    if (!current.includes(name)) removeSynthesized(path.join(stacksDir, name));
  }
}

/** The file synth writes in a stack's folder, and the folder when nothing else is left in it; whether it removed one. */
function removeSynthesized(stackDir: string): boolean {
  const file = path.join(stackDir, SYNTHESIZED_FILE);
  const present = fs.existsSync(file);
  fs.rmSync(file, { force: true });
  if (fs.existsSync(stackDir) && fs.readdirSync(stackDir).length === 0) fs.rmdirSync(stackDir);
  return present;
}

/** What cdktf writes for a stack: its Terraform configuration, as JSON. */
const SYNTHESIZED_FILE = 'cdk.tf.json';

main();
