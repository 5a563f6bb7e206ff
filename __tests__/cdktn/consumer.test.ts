import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CDKTN_PACKAGE_DIR, CDKTN_PEERS, toCdktn } from '../../scripts/build-cdktn';
import { tempDir } from '../helpers';
import { compile, createApp, pack, readmeExample, ROOT, stackJson, synthesizeApp } from '../support/consumer-app';

// `npm run test:cdktn`, outside `npm test`: installs CDK Terrain and its AWS provider (about 480 MB) from
// the registry into a fresh app, so it runs on its own. The same README example, as a cdktf app and as
// a cdktn app, each from its packed package, must synthesize the same configuration.
jest.setTimeout(15 * 60_000);

const LINKED = ['typescript', '@types/node'].map((p) => path.join(ROOT, 'node_modules', p));
// The versions the cdktn flavour's peer ranges are tested at.
const CDKTN_APP = ['cdktn@0.24.0', '@cdktn/provider-aws@25.7.0', 'constructs@10.6.0'];

/** The README example as a cdktn user writes it: the same code, importing cdktn and the cdktn flavour. */
function cdktnExample(): string {
  return toCdktn(readmeExample()).replace(/(['"])ssm-session-kit\//g, '$1ssm-session-kit-cdktn/');
}

let cdktf: Record<string, any>;
let cdktn: Record<string, any>;
let cdktnFiles: string[];
let cdktnApp: string;

beforeAll(() => {
  const packs = tempDir('packs');
  const cdktfPackage = pack(ROOT, packs);
  execFileSync(process.execPath, ['--require', path.join(ROOT, 'scripts', 'transpile-hook.cjs'), path.join(ROOT, 'scripts', 'build-cdktn.ts')], { stdio: 'ignore' });
  const cdktnPackage = pack(CDKTN_PACKAGE_DIR, packs);
  cdktnFiles = cdktnPackage.files;

  const cdktfApp = createApp(tempDir('cdktf-app'), cdktfPackage.tarball, [...['cdktf', 'constructs', '@cdktf/provider-aws'].map((p) => path.join(ROOT, 'node_modules', p)), ...LINKED]);
  cdktnApp = createApp(tempDir('cdktn-app'), cdktnPackage.tarball, [...CDKTN_APP, ...LINKED], { offline: false });
  for (const [app, example] of [[cdktfApp, readmeExample()], [cdktnApp, cdktnExample()]] as const) {
    const compiled = compile(app, { 'main.ts': example });
    if (compiled.status !== 0) throw new Error(`compile failed in ${app}:\n${compiled.output}`);
    const synth = synthesizeApp(app);
    if (synth.status !== 0) throw new Error(`synth failed in ${app}:\n${synth.stderr}`);
  }
  cdktf = stackJson(path.join(cdktfApp, 'cdktf.out'), 'jump');
  cdktn = stackJson(path.join(cdktnApp, 'cdktf.out'), 'jump');
});

/**
 * Every block of a stack but the generator's metadata and the provider requirement; the local state
 * file by name, since each app keeps it in its own folder.
 */
function configuration(stack: Record<string, any>): Record<string, any> {
  const { '//': _metadata, terraform: { required_providers: _providers, backend, ...terraform }, ...rest } = stack;
  const state = { local: { path: path.basename(backend.local.path) } };
  return JSON.parse(JSON.stringify({ ...rest, terraform: { ...terraform, backend: state } }).replace(/"\/\/":\{"metadata":\{[^{}]*\}\},?/g, ''));
}

describe('the modules in a CDK Terrain app', () => {
  it('ship as ssm-session-kit-cdktn, whose code and types import cdktn and its AWS provider only', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(CDKTN_PACKAGE_DIR, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'ssm-session-kit-cdktn', peerDependencies: CDKTN_PEERS });
    expect(cdktnFiles).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/modules/ssm-instance/index.js', 'README.md']));
    const installed = path.join(cdktnApp, 'node_modules', 'ssm-session-kit-cdktn', 'dist');
    const sources = cdktnFiles.filter((f) => /\.(js|d\.ts)$/.test(f)).map((f) => fs.readFileSync(path.join(installed, '..', f), 'utf8')).join('\n');
    expect(sources).not.toMatch(/["']cdktf["']|@cdktf\//);
    expect(sources).toMatch(/require\("cdktn"\)/);
    // No copy of cdktf anywhere in the app: one construct library, one construct tree.
    expect(fs.existsSync(path.join(cdktnApp, 'node_modules', 'cdktf'))).toBe(false);
  });

  it("ships the guides its README links to, and refuses to publish without the package page's fields", () => {
    expect(cdktnFiles).toEqual(expect.arrayContaining(['docs/getting-started.md', 'docs/cdk-terrain.md', 'docs/api/README.md']));
    const publish = spawnSync('npm', ['publish', '--dry-run'], { cwd: CDKTN_PACKAGE_DIR, encoding: 'utf8' });
    expect(publish.status).not.toBe(0);
    expect(publish.stderr).toContain('package.json needs repository, homepage, bugs');
  });

  it('synthesizes the same resources, data sources and outputs as the cdktf app, with hashicorp/aws 6', () => {
    expect(configuration(cdktn)).toEqual(configuration(cdktf));
    expect(Object.keys(cdktn.resource).length).toBeGreaterThan(20);
    expect(cdktf.terraform.required_providers.aws.version).toBe('5.100.0');
    expect(cdktn.terraform.required_providers.aws).toMatchObject({ source: 'hashicorp/aws', version: expect.stringMatching(/^6\.\d+\.\d+$/) });
  });
});
