import { spawnSync } from 'child_process';
import * as path from 'path';
import { writeFigures } from './lib/bench-figures';
import { parseArguments } from './lib/usage';

const USAGE = `usage: npm run docs
Writes the API reference (docs/api/) from the modules' TSDoc comments, with TypeDoc (typedoc.json), and
the performance guide's figures (docs/performance.md) from the bench's recorded run (docs/bench-results.json).`;

if (parseArguments(USAGE, { max: 0 })) {
  const typedoc = path.join(__dirname, '..', 'node_modules', '.bin', 'typedoc');
  const root = path.join(__dirname, '..');
  writeFigures(root);
  process.exitCode = spawnSync(typedoc, [], { stdio: 'inherit', cwd: root }).status ?? 1;
}
