import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './helpers';

const ROOT = path.resolve(__dirname, '..');
jest.setTimeout(60_000);

function list(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('the API reference', () => {
  it('is generated from the TSDoc comments and current: `npm run docs` changes nothing', () => {
    const out = path.join(tempDir('docs'), 'api');
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'typedoc'), ['--out', out, '--logLevel', 'Error'], { cwd: ROOT, stdio: 'ignore' });
    const committed = path.join(ROOT, 'docs', 'api');
    expect(list(out)).toEqual(list(committed));
    for (const file of list(out)) {
      expect({ file, text: fs.readFileSync(path.join(out, file), 'utf8') }).toEqual({ file, text: fs.readFileSync(path.join(committed, file), 'utf8') });
    }
  });
});
