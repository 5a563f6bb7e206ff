import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../config/load';
import { type ChangedStacks, changedStacks } from './lib/changed-stacks';
import { parseArguments } from './lib/usage';
import { matrixOf, type StackMatrix, stackMatrix } from './stack-matrix';

const USAGE = `usage: npm run -s changed-stacks -- --base <git-ref> [--json | --github-output]
Synthesizes the base (its files the app reads, copied out of git, with this tree's dependencies) and the
working tree side by side, and lists the stacks whose synthesized configuration differs, added and removed
ones, and why (config, module code, dependency versions); a change to no file the app reads synthesizes
nothing. A change to the workflows, the lock file or the Terraform version lists every stack.
  --json           the same, for machines
  --github-output  append the environment stacks to plan to $GITHUB_OUTPUT, as npm run stack-matrix does
                   (all, waves), for the workflows' matrices`;

/** The environment stacks to plan and deploy: the matrix's entries of the stacks the change touches (removed ones have none). */
export function changedMatrix(matrix: StackMatrix, change: ChangedStacks): StackMatrix {
  const touched = new Set(change.changes.filter((c) => c.change !== 'removed').map((c) => c.stack));
  return matrixOf(matrix.all.filter((e) => touched.has(e.stack)));
}

/** One line a stack, with why. */
export function changeReport(change: ChangedStacks): string {
  const lines = change.changes.map((c) => `${c.change.padEnd(9)} ${c.stack}${c.reasons.length ? `  (${c.reasons.join(', ')})` : ''}`);
  const head = change.everything ? `every stack: the change touches ${change.changes[0]?.reasons.join(', ') ?? 'what every plan depends on'}` : `${change.changes.length} stack(s) touched since ${change.base}`;
  return `${[head, ...lines].join('\n')}\n`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--base');
  const base = at >= 0 ? argv[at + 1] : undefined;
  const rest = at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 2)] : argv;
  const args = parseArguments(USAGE, { max: 0, flags: ['--json', '--github-output'] }, rest);
  if (!args) return;
  if (!base || base.startsWith('-')) {
    process.stderr.write(`--base needs a git ref\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const change = await changedStacks(base, { cwd: path.resolve(__dirname, '..') });
  if (args.flags.has('--github-output')) {
    const file = process.env.GITHUB_OUTPUT;
    if (!file) throw new Error('--github-output needs GITHUB_OUTPUT (set inside GitHub Actions)');
    const matrix = changedMatrix(stackMatrix(loadConfig()), change);
    fs.appendFileSync(file, Object.entries(matrix).map(([k, v]) => `${k}=${JSON.stringify(v)}\n`).join(''));
  }
  process.stdout.write(args.flags.has('--json') ? `${JSON.stringify(change, null, 2)}\n` : changeReport(change));
}

if (require.main === module) {
  main().catch((e: Error) => {
    process.stderr.write(`changed-stacks: ${e.message}\n`);
    process.exitCode = 2;
  });
}
