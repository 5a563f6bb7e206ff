import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { validateOffline } from '../scripts/lib/offline-validation';
import { missingPackagePageFields } from '../scripts/lib/publish-check';
import { tempDir } from './helpers';
import { relativeLinks } from './support/markdown';
import { cdktfTemplateTsconfig, compile, createApp, pack, readmeExample, ROOT, synthesizeApp } from './support/consumer-app';

// Packs the project once (prepack builds it), checks what the tarball holds, then installs it into a
// new app outside the repository and compiles, synthesizes and plans the README's example there: the
// package as a consumer receives it.
jest.setTimeout(10 * 60_000);

const MODULES = fs.readdirSync(path.join(ROOT, 'modules')).filter((m) => m !== 'shared');
// The app's own dependencies: the peers at the versions this project is tested with, linked from its
// node_modules rather than unpacked again (npm still checks them against the peer ranges).
const APP_DEPENDENCIES = ['cdktf', 'constructs', '@cdktf/provider-aws', 'typescript', '@types/node'].map((p) => path.join(ROOT, 'node_modules', p));

let files: string[];
let app: string;
let compiled: { status: number | null; output: string };
let compiledWithTemplate: { status: number | null; output: string };
let templateApp: string;
let packedTarball: string;

beforeAll(() => {
  const packed = pack(ROOT, tempDir('pack'));
  packedTarball = packed.tarball;
  files = packed.files;
  app = createApp(tempDir('consumer'), packed.tarball, APP_DEPENDENCIES);

  // One compilation of two files: the example as written, and a copy with a prop of the wrong type.
  const example = readmeExample();
  const broken = example.replace('idleSessionTimeoutMinutes: 15,', "idleSessionTimeoutMinutes: '15',");
  if (broken === example) throw new Error('the README example no longer sets idleSessionTimeoutMinutes: 15');
  compiled = compile(app, { 'main.ts': example, 'broken.ts': broken });
  // The same example in an app made with cdktf's own template settings.
  templateApp = createApp(tempDir('consumer-template'), packed.tarball, APP_DEPENDENCIES, { tsconfig: cdktfTemplateTsconfig() });
  compiledWithTemplate = compile(templateApp, { 'main.ts': example });
});

describe('the published package', () => {
  it('ships JavaScript and type declarations for the entry point and every module', () => {
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'LICENSE', 'CHANGELOG.md', 'README.md']));
    // The config format's JSON Schema, for apps that use the same environments.json.
    expect(files).toContain('dist/environments.schema.json');
    for (const module of MODULES) {
      expect(files).toEqual(expect.arrayContaining([`dist/modules/${module}/index.js`, `dist/modules/${module}/index.d.ts`]));
    }
  });

  it('holds no test, fixture, environment, stack or script file, and no TypeScript source', () => {
    const unwanted = files.filter((f) =>
      /(^|\/)(__tests__|fixtures|config|stacks|scripts|cdktf\.out)\//.test(f) || /environments\.json$/.test(f) || /(?<!\.d)\.ts$/.test(f));
    expect(unwanted).toEqual([]);
  });

  it('keeps the AGPL-licensed IAM engine out: a development dependency only, required by no shipped file, absent once installed', () => {
    const installed = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'ssm-session-kit', 'package.json'), 'utf8'));
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies']) {
      expect({ field, engine: Object.keys(installed[field] ?? {}).filter((d) => d.startsWith('@cloud-copilot/')) }).toEqual({ field, engine: [] });
    }
    const shipped = files.filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'));
    const requiring = shipped.filter((f) => fs.readFileSync(path.join(app, 'node_modules', 'ssm-session-kit', f), 'utf8').includes('@cloud-copilot'));
    expect(requiring).toEqual([]);
    expect(fs.existsSync(path.join(app, 'node_modules', '@cloud-copilot'))).toBe(false);
  });

  it("runs as an app made with cdktf's template today (TypeScript 7, from the registry) with the app command the guide names", () => {
    // cdktf's template installs typescript@latest; under 7 its `npx ts-node main.ts` fails (ts-node needs
    // TypeScript's JavaScript compiler API). The guide: `npx tsx main.ts`, and `tsc --noEmit` with the
    // node types named (TypeScript 7 includes no @types package by default).
    const today = tempDir('consumer-typescript-7');
    const tsconfig = cdktfTemplateTsconfig() as { compilerOptions: Record<string, unknown> };
    tsconfig.compilerOptions.types = ['node'];
    createApp(today, packedTarball, [...APP_DEPENDENCIES.filter((d) => !/typescript|@types/.test(d)), 'typescript@7', '@types/node@20', 'tsx@4'], { offline: false, tsconfig });
    expect(JSON.parse(fs.readFileSync(path.join(today, 'node_modules', 'typescript', 'package.json'), 'utf8')).version).toMatch(/^7\./);
    fs.writeFileSync(path.join(today, 'main.ts'), readmeExample());
    const check = spawnSync(path.join(today, 'node_modules', '.bin', 'tsc'), ['--noEmit'], { cwd: today, encoding: 'utf8' });
    expect({ status: check.status, output: check.stdout }).toEqual({ status: 0, output: '' });
    const outdir = path.join(today, 'cdktf.out');
    const run = spawnSync(path.join(today, 'node_modules', '.bin', 'tsx'), ['main.ts'], { cwd: today, encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: outdir } });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(fs.readdirSync(path.join(outdir, 'stacks')).length).toBeGreaterThan(0);
  });

  it("ships the guides the README links to: every link of the README and of the shipped guides reaches a file in the package", () => {
    const installed = path.join(app, 'node_modules', 'ssm-session-kit');
    const pages = files.filter((f) => f === 'README.md' || /^docs\/[^/]+\.md$/.test(f));
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'docs/getting-started.md', 'docs/access.md']));
    const dead = pages.flatMap((page) => relativeLinks(fs.readFileSync(path.join(installed, page), 'utf8'))
      .filter(({ relative }) => relative && !files.includes(path.posix.join(path.posix.dirname(page), relative)))
      .map(({ target }) => `${page}: ${target}`));
    expect(dead).toEqual([]);
  });

  it('is not published without the fields its package page links from: npm publish stops, naming them', () => {
    // npm resolves the README's relative links on the package page against `repository`.
    const publish = spawnSync('npm', ['publish', '--dry-run'], { cwd: ROOT, encoding: 'utf8' });
    expect(publish.status).not.toBe(0);
    expect(publish.stderr).toContain('package.json needs repository, homepage, bugs');
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const home = 'https://example.org/ssm-session-kit';
    expect(missingPackagePageFields({ ...manifest, repository: { type: 'git', url: `git+${home}.git` }, homepage: home, bugs: { url: `${home}/issues` } })).toEqual([]);
    expect(missingPackagePageFields({ ...manifest, repository: 'ssm-session-kit', homepage: home, bugs: { url: `${home}/issues` } })).toEqual(['repository']);
  });

  it('resolves, once installed, the public entry point and each module subpath to the built constructs', () => {
    const probe = `
      const all = require('ssm-session-kit');
      const names = ${JSON.stringify(MODULES)}.map((m) => Object.keys(require('ssm-session-kit/modules/' + m)));
      console.log(JSON.stringify({ all: Object.keys(all), names }));`;
    const { all, names } = JSON.parse(execFileSync(process.execPath, ['-e', probe], { cwd: app, encoding: 'utf8' }));
    const schema = execFileSync(process.execPath, ['-e', "console.log(require('ssm-session-kit/environments.schema.json').$schema)"], { cwd: app, encoding: 'utf8' });
    expect(schema.trim()).toBe('https://json-schema.org/draft/2020-12/schema');
    for (const name of ['IamSsmRole', 'InstanceProfile', 'SsmInstance', 'SessionLogging', 'SessionAccessPolicy', 'AuditTrailGuardrail', 'ComplianceChecker']) {
      expect(all).toContain(name);
    }
    for (const exported of names as string[][]) {
      expect(exported.length).toBeGreaterThan(0);
      for (const name of exported) expect(all).toContain(name);
    }
  });
});

describe('a consumer app using the packed modules', () => {
  it('compiles the README example with TypeScript strict, synthesizes it, and plans it with Terraform', async () => {
    expect(compiled.output).not.toMatch(/^main\.ts/m);

    const synth = synthesizeApp(app);
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);
    const { outdir } = synth;

    const [result] = await validateOffline({ outdir, workdir: tempDir('consumer-validate') });
    expect({ stack: result.stack, diagnostics: result.diagnostics }).toEqual({ stack: 'jump', diagnostics: [] });
    expect(result.ok).toBe(true);
    expect(result.changes?.add).toBeGreaterThan(20);
  });

  it("compiles and synthesizes the example with cdktf's own template settings too (CommonJS, Node's old resolution)", () => {
    expect(compiledWithTemplate).toEqual({ status: 0, output: '' });
    // The template compiles next to the sources: main.js beside main.ts.
    const run = spawnSync(process.execPath, ['main.js'], { cwd: templateApp, env: { ...process.env, CDKTF_OUTDIR: path.join(templateApp, 'cdktf.out') }, encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(fs.existsSync(path.join(templateApp, 'cdktf.out', 'stacks', 'jump', 'cdk.tf.json'))).toBe(true);
  });

  it('fails to compile when a prop is given the wrong type', () => {
    expect(compiled.status).not.toBe(0);
    expect(compiled.output).toMatch(/^broken\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/m);
    expect(compiled.output.trim().split('\n').filter((line) => /^\S+\.ts\(/.test(line))).toHaveLength(1);
  });
});
