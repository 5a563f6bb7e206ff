import { spawnSync } from 'child_process';
import * as path from 'path';
import { unitTestFiles } from './lib/unit-tests';
import { parseArguments } from './lib/usage';

const USAGE = `usage: npm run test:unit
Runs every test that needs neither Terraform nor the AWS emulator: the contributors' inner loop.
npm test runs them all.`;

const ROOT = path.resolve(__dirname, '..');
if (parseArguments(USAGE, { max: 0 })) {
  const { unit, all } = unitTestFiles(ROOT);
  const started = Date.now();
  const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--runTestsByPath', ...unit.map((f) => path.relative(ROOT, f))], { cwd: ROOT, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  process.stdout.write(`test:unit: ${unit.length} of ${all.length} test files (those needing neither Terraform nor the emulator) in ${seconds} s; npm test runs all ${all.length}\n`);
  process.exitCode = run.status ?? 1;
}
