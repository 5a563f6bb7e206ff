import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const MODULES = fs.readdirSync(path.join(ROOT, 'modules')).filter((m) => m !== 'shared');

// `npm pack --dry-run` builds the package (prepack) and lists what a consumer would receive.
jest.setTimeout(120_000);
let files: string[];

beforeAll(() => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts=false'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  files = (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
});

describe('the published package', () => {
  it('ships JavaScript and type declarations for the entry point and every module', () => {
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'LICENSE', 'CHANGELOG.md', 'README.md']));
    for (const module of MODULES) {
      expect(files).toEqual(expect.arrayContaining([`dist/modules/${module}/index.js`, `dist/modules/${module}/index.d.ts`]));
    }
  });

  it('holds no test, fixture, environment, stack or script file, and no TypeScript source', () => {
    const unwanted = files.filter((f) =>
      /(^|\/)(__tests__|fixtures|config|stacks|scripts|cdktf\.out)\//.test(f) || /environments\.json$/.test(f) || /(?<!\.d)\.ts$/.test(f));
    expect(unwanted).toEqual([]);
  });

  it('resolves the public entry point and each module subpath to the built constructs', () => {
    const probe = `
      const all = require('ssm-session-kit');
      const names = ${JSON.stringify(MODULES)}.map((m) => Object.keys(require('ssm-session-kit/modules/' + m)));
      console.log(JSON.stringify({ all: Object.keys(all), names }));`;
    const { all, names } = JSON.parse(execFileSync(process.execPath, ['-e', probe], { cwd: ROOT, encoding: 'utf8' }));
    for (const name of ['IamSsmRole', 'InstanceProfile', 'SsmInstance', 'SessionLogging', 'SessionAccessPolicy', 'AuditTrailGuardrail', 'ComplianceChecker']) {
      expect(all).toContain(name);
    }
    for (const exported of names as string[][]) {
      expect(exported.length).toBeGreaterThan(0);
      for (const name of exported) expect(all).toContain(name);
    }
  });
});

describe('the API reference', () => {
  it('is generated from the TSDoc comments and current: `npm run docs` changes nothing', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssk-docs-')), 'api');
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'typedoc'), ['--out', out, '--logLevel', 'Error'], { cwd: ROOT, stdio: 'ignore' });
    const list = (dir: string): string[] =>
      fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
    const committed = path.join(ROOT, 'docs', 'api');
    expect(list(out)).toEqual(list(committed));
    for (const file of list(out)) {
      expect({ file, text: fs.readFileSync(path.join(out, file), 'utf8') }).toEqual({ file, text: fs.readFileSync(path.join(committed, file), 'utf8') });
    }
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });
});
