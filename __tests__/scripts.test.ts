import { spawnSync } from 'child_process';
import * as path from 'path';

/** The project's scripts on wrong arguments: their usage and exit code 2, never a stack trace; `--help` exits 0. */
const ROOT = path.resolve(__dirname, '..');
const run = (script: string, args: string[]) => spawnSync('node', ['--require', './scripts/transpile-hook.cjs', `scripts/${script}.ts`, ...args], { cwd: ROOT, encoding: 'utf8' });

describe.each([
  ['drift-report', /^usage: npm run -s drift-report -- <stack> <plan.json>/m],
  ['retained-resources', /^usage: npm run -s retained-resources -- <stack>/m],
])('npm run %s', (script, usage) => {
  it.each([[[]], [['--verbose']], [['a', 'b', 'c']]])('prints its usage for %j, and no stack trace', (args) => {
    const result = run(script, args);
    expect({ status: result.status, usage: usage.test(result.stderr), trace: /\n\s+at /.test(result.stderr) }).toEqual({ status: 2, usage: true, trace: false });
  });

  it('prints its usage for --help and exits 0', () => {
    const result = run(script, ['--help']);
    expect({ status: result.status, usage: usage.test(result.stderr) }).toEqual({ status: 0, usage: true });
  });
});

it('drift-report names a plan file that does not exist', () => {
  const result = run('drift-report', ['dev', 'no-such-plan.json']);
  expect({ status: result.status, out: result.stderr }).toEqual({ status: 2, out: expect.stringMatching(/^no-such-plan\.json does not exist/) });
});
