import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { loadConfig } from './config/load';
import { ConfigError } from './config/validate';
import { complianceSuppressions } from './modules/guardrails/compliance';
import { createStacks } from './stacks';

/**
 * The cdktf app: validate the whole config first, so that a bad value stops the run before anything
 * is written, then synthesize one stack per environment, the bootstrap stack and, when configured, the
 * organization stack, each held to the compliance rules.
 */
function main(): void {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
  const app = new App({ stackTraces: false });
  const stacks = createStacks(app, config);
  try {
    app.synth();
  } catch (e) {
    // Compliance violations and other validation errors: the message names each construct path.
    console.error((e as Error).message);
    process.exit(1);
  }
  for (const s of complianceSuppressions(app)) console.log(`compliance: ${s.rule} suppressed at ${s.path}: ${s.reason}`);
  removeOrphanedStacks(app.outdir, stacks.all.map((s) => s.node.id));
}

/** Run outside the cdktf CLI, nothing else clears the output of an environment since removed. */
function removeOrphanedStacks(outdir: string, current: readonly string[]): void {
  const stacksDir = path.join(outdir, 'stacks');
  for (const name of fs.readdirSync(stacksDir)) {
    if (!current.includes(name)) fs.rmSync(path.join(stacksDir, name), { recursive: true, force: true });
  }
}

main();
