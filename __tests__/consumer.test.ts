import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { validateOffline } from '../scripts/lib/offline-validation';
import { tempDir } from './helpers';

// Packs the project, installs the tarball into a new app outside the repository, then compiles,
// synthesizes and plans the README's example there: the package as a consumer receives it.
jest.setTimeout(10 * 60_000);

const ROOT = path.resolve(__dirname, '..');
const PEERS = ['cdktf@0.21.0', 'constructs@10.4.2', '@cdktf/provider-aws@20.1.0', 'typescript@5.9.3', '@types/node@20'];
const TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, outDir: 'dist', types: ['node'] },
};

function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const example = /## Use the modules in your own app\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!example) throw new Error('README has no "Use the modules in your own app" example');
  return example;
}

let app: string;

beforeAll(() => {
  const packs = tempDir('pack');
  const packed = JSON.parse(execFileSync('npm', ['pack', '--pack-destination', packs, '--json'], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
  })) as { filename: string }[];
  app = tempDir('consumer');
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(packs, packed[0].filename), ...PEERS], {
    cwd: app, stdio: 'ignore',
  });
});

function compile(source: string) {
  fs.writeFileSync(path.join(app, 'main.ts'), source);
  return spawnSync(path.join(app, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: app, encoding: 'utf8' });
}

describe('a consumer app using the packed modules', () => {
  it('compiles the README example with TypeScript strict, synthesizes it, and plans it with Terraform', async () => {
    const build = compile(readmeExample());
    expect(build.stdout + build.stderr).toBe('');
    expect(build.status).toBe(0);

    const outdir = path.join(app, 'cdktf.out');
    const synth = spawnSync(process.execPath, ['dist/main.js'], { cwd: app, env: { ...process.env, CDKTF_OUTDIR: outdir }, encoding: 'utf8' });
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);

    const [result] = await validateOffline({ outdir, workdir: tempDir('consumer-validate') });
    expect({ stack: result.stack, diagnostics: result.diagnostics }).toEqual({ stack: 'jump', diagnostics: [] });
    expect(result.ok).toBe(true);
    expect(result.changes?.add).toBeGreaterThan(20);
  });

  it('fails to compile when a prop is given the wrong type', () => {
    const broken = readmeExample().replace('idleSessionTimeoutMinutes: 15,', "idleSessionTimeoutMinutes: '15',");
    expect(broken).not.toBe(readmeExample());
    const build = compile(broken);
    expect(build.status).not.toBe(0);
    expect(build.stdout).toMatch(/main\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
  });
});
