import { spawnSync } from 'child_process';
import * as path from 'path';
import { parseArguments } from './lib/usage';

const USAGE = `usage: npm run docs
Writes the API reference (docs/api/) from the modules' TSDoc comments, with TypeDoc (typedoc.json).`;

if (parseArguments(USAGE, { max: 0 })) {
  const typedoc = path.join(__dirname, '..', 'node_modules', '.bin', 'typedoc');
  process.exitCode = spawnSync(typedoc, [], { stdio: 'inherit', cwd: path.join(__dirname, '..') }).status ?? 1;
}
