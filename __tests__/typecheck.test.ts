import { spawnSync } from 'child_process';
import * as path from 'path';

// Jest transpiles without checking types (@swc/jest), so the type check is a test of its own, run
// alongside the others rather than before them. Incremental, as tsc's own build info allows: a run
// after no change re-checks nothing.
jest.setTimeout(120_000);
const ROOT = path.resolve(__dirname, '..');
const TS_BUILD_INFO = path.join(ROOT, 'node_modules', '.cache', 'ssm-session-kit', 'typecheck.tsbuildinfo');

describe('the project', () => {
  it('type-checks with TypeScript strict: `tsc -p .` reports nothing', () => {
    const run = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', '.', '--incremental', '--tsBuildInfoFile', TS_BUILD_INFO], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
