import * as fs from 'fs';
import { loadConfig } from '../config/load';
import { MAX_DEPLOY_WAVES } from '../config/schema';
import type { ProjectConfig } from '../config/types';
import { parseArguments } from './lib/usage';

/**
 * `npm run stack-matrix`: the environment stacks the pipeline plans and deploys, from the config, as
 * JSON: `all`, and `wave1` to `wave5`, each a list of `{ stack, region, wave, stateReadRoleArn }` (bootstrap and
 * organization are deployed by hand). With `--github-output`, the same lists are appended to
 * `$GITHUB_OUTPUT` for a workflow's matrices.
 */
export interface StackEntry {
  readonly stack: string;
  readonly region: string;
  readonly wave: number;
  /** The role the plan role reads the stack's state through (empty when the stack has no plan role). */
  readonly stateReadRoleArn: string;
}

export function stackMatrix(config: ProjectConfig): Record<string, StackEntry[]> {
  const all = config.environments
    .map((e) => ({ stack: e.name, region: e.region, wave: e.deployWave, stateReadRoleArn: e.state.bootstrapReadRole?.roleArn ?? '' }))
    .sort((a, b) => a.wave - b.wave);
  const waves = Object.fromEntries(Array.from({ length: MAX_DEPLOY_WAVES }, (_, i) => [`wave${i + 1}`, all.filter((s) => s.wave === i + 1)]));
  return { all, ...waves };
}

const USAGE = `usage: npm run -s stack-matrix -- [--github-output]
Prints the environment stacks the pipeline deploys, by wave, as JSON.
  --github-output  also append each list to $GITHUB_OUTPUT, for a workflow's matrices`;

const args = require.main === module ? parseArguments(USAGE, { max: 0, flags: ['--github-output'] }) : undefined;
if (args) {
  const matrix = stackMatrix(loadConfig());
  if (args.flags.has('--github-output')) {
    const file = process.env.GITHUB_OUTPUT;
    if (!file) throw new Error('--github-output needs GITHUB_OUTPUT (set inside GitHub Actions)');
    fs.appendFileSync(file, Object.entries(matrix).map(([k, v]) => `${k}=${JSON.stringify(v)}\n`).join(''));
  }
  process.stdout.write(`${JSON.stringify(matrix, null, 2)}\n`);
}
