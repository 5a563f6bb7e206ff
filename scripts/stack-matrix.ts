import * as fs from 'fs';
import { loadConfig } from '../config/load';
import type { ProjectConfig } from '../config/types';
import { parseArguments } from './lib/usage';

/**
 * `npm run stack-matrix`: the environment stacks the pipeline plans and deploys, from the config, as
 * JSON: `all`, a list of `{ stack, region, wave, stateReadRoleArn }` (bootstrap and organization are
 * deployed by hand), and `waves`, the waves the config names, in order, each with its stacks. With
 * `--github-output`, both are appended to `$GITHUB_OUTPUT` for a workflow's matrices.
 */
export interface StackEntry {
  readonly stack: string;
  readonly region: string;
  readonly wave: number;
  /** The role the plan role reads the stack's state through (empty when the stack has no plan role). */
  readonly stateReadRoleArn: string;
}

export interface StackMatrix {
  readonly all: StackEntry[];
  /** The waves that have stacks, in order: as many as the config names. */
  readonly waves: { readonly wave: number; readonly stacks: StackEntry[] }[];
}

export function stackMatrix(config: ProjectConfig): StackMatrix {
  return matrixOf(config.environments
    .map((e) => ({ stack: e.name, region: e.region, wave: e.deployWave, stateReadRoleArn: e.state.bootstrapReadRole?.roleArn ?? '' })));
}

/** Stacks in wave order, and grouped by wave. */
export function matrixOf(stacks: readonly StackEntry[]): StackMatrix {
  const all = [...stacks].sort((a, b) => a.wave - b.wave);
  const waves = [...new Set(all.map((s) => s.wave))].map((wave) => ({ wave, stacks: all.filter((s) => s.wave === wave) }));
  return { all, waves };
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
