import { spawnSync } from 'child_process';
import * as path from 'path';

// Jest transpiles without checking types (@swc/jest), so the type check is a test of its own, run
// alongside the others rather than before them.
jest.setTimeout(120_000);
const ROOT = path.resolve(__dirname, '..');

describe('the project', () => {
  it('type-checks with TypeScript strict: `tsc -p .` reports nothing', () => {
    const run = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
