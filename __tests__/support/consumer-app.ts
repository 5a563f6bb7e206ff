import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

// A consumer's app, outside the repository: the packed package installed with its peers, the README's
// example compiled with TypeScript strict and synthesized, as a user receives and uses it.

export const ROOT = path.resolve(__dirname, '..', '..');

// Strict, with Node's own resolution of subpath exports; skipLibCheck as cdktf's TypeScript template
// sets it (the consumer's code is still checked against the package's declarations).
const TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: true, outDir: 'dist', types: ['node'] },
};

/** The modules guide's "Use the modules in your own app" example. */
export function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'docs', 'modules.md'), 'utf8');
  const example = /## Use the modules in your own app\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!example) throw new Error('docs/modules.md has no "Use the modules in your own app" example');
  return example;
}

/** `npm pack` of a package folder into `destination`; `prepack` runs for the project itself. */
export function pack(packageDir: string, destination: string): { tarball: string; files: string[] } {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', packageDir, '--pack-destination', destination, '--json', '--ignore-scripts=false'], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
  })) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(destination, packed.filename), files: packed.files.map((f) => f.path) };
}

/** The tsconfig.json of cdktf's own TypeScript template (`cdktf init --template typescript`): CommonJS, Node's old resolution. */
export function cdktfTemplateTsconfig(): object {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'cdktf-cli', 'bundle', 'templates', 'typescript', 'tsconfig.json'), 'utf8'));
}

/** A new app in `dir` with the tarball and `dependencies` (paths or registry specs) installed. */
export function createApp(dir: string, tarball: string, dependencies: readonly string[], { offline = true, tsconfig = TSCONFIG as object } = {}): string {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  execFileSync('npm', ['install', ...(offline ? ['--offline'] : ['--prefer-offline']), '--no-audit', '--no-fund', tarball, ...dependencies], { cwd: dir, stdio: 'ignore' });
  return dir;
}

/** `tsc -p .` in the app, with every file it holds. */
export function compile(app: string, sources: Readonly<Record<string, string>>): { status: number | null; output: string } {
  for (const [name, text] of Object.entries(sources)) fs.writeFileSync(path.join(app, name), text);
  const tsc = spawnSync(path.join(app, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: app, encoding: 'utf8' });
  return { status: tsc.status, output: tsc.stdout + tsc.stderr };
}

/** Runs the compiled `main.ts` into `<app>/cdktf.out`. */
export function synthesizeApp(app: string): { status: number | null; stderr: string; outdir: string } {
  const outdir = path.join(app, 'cdktf.out');
  const run = spawnSync(process.execPath, ['dist/main.js'], { cwd: app, env: { ...process.env, CDKTF_OUTDIR: outdir }, encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr, outdir };
}

/** A synthesized stack's JSON. */
export function stackJson(outdir: string, stack: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
}
