import * as fs from 'fs';
import * as path from 'path';
import { PACKAGE_PAGE_FIELDS } from './lib/publish-check';

/**
 * `npm run build:cdktn`: the same modules for CDK Terrain, as the package `ssm-session-kit-cdktn` in
 * `build/cdktn`: the built `dist/` with its imports of `cdktf` and `@cdktf/provider-aws` rewritten to
 * `cdktn` and `@cdktn/provider-aws`, and peer dependencies on those. A cdktn app then holds one
 * construct library only: no cdktf construct ever sits in a cdktn stack. `npm run build` first.
 */
const ROOT = path.resolve(__dirname, '..');
export const CDKTN_PACKAGE_DIR = path.join(ROOT, 'build', 'cdktn');

/** The peers the cdktn flavour is tested with (`npm run test:cdktn`). */
export const CDKTN_PEERS = { cdktn: '^0.24.0', '@cdktn/provider-aws': '^25.7.0', constructs: '>=10.6.0 <10.8.0' };

/** A module specifier of the cdktf flavour as the cdktn flavour's. */
export function toCdktn(source: string): string {
  return source
    .replace(/(["'])cdktf\1/g, '$1cdktn$1')
    .replace(/(["'])@cdktf\/provider-aws\/lib\//g, '$1@cdktn/provider-aws/lib/');
}

/** The flavour's own refusal to publish without the package page's fields: a package of its own, without this project's scripts. */
const PUBLISH_CHECK = `node -e "const m = require('./package.json'), missing = ${JSON.stringify(PACKAGE_PAGE_FIELDS).replace(/"/g, "'")}.filter((f) => !m[f]); if (missing.length) { console.error('not published: package.json needs ' + missing.join(', ')); process.exit(1); }"`;

function copyRewritten(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyRewritten(source, target);
    else if (/\.(js|d\.ts)$/.test(entry.name)) fs.writeFileSync(target, toCdktn(fs.readFileSync(source, 'utf8')));
    else fs.copyFileSync(source, target);
  }
}

function main(): void {
  const dist = path.join(ROOT, 'dist');
  if (!fs.existsSync(path.join(dist, 'index.js'))) throw new Error('dist/ is missing: npm run build first');
  fs.rmSync(CDKTN_PACKAGE_DIR, { recursive: true, force: true });
  copyRewritten(dist, path.join(CDKTN_PACKAGE_DIR, 'dist'));
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const manifest = {
    name: `${pkg.name}-cdktn`,
    version: pkg.version,
    description: `${pkg.description} Built for CDK Terrain (cdktn).`,
    license: pkg.license,
    engines: pkg.engines,
    main: pkg.main,
    types: pkg.types,
    exports: pkg.exports,
    files: ['dist/', 'docs/', 'CHANGELOG.md'],
    peerDependencies: CDKTN_PEERS,
    // The package page's links, once the project has a public home (scripts/lib/publish-check.ts).
    ...Object.fromEntries(PACKAGE_PAGE_FIELDS.filter((field) => pkg[field]).map((field) => [field, pkg[field]])),
    scripts: { prepublishOnly: PUBLISH_CHECK },
  };
  fs.writeFileSync(path.join(CDKTN_PACKAGE_DIR, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of ['README.md', 'CHANGELOG.md', 'LICENSE']) fs.copyFileSync(path.join(ROOT, file), path.join(CDKTN_PACKAGE_DIR, file));
  fs.cpSync(path.join(ROOT, 'docs'), path.join(CDKTN_PACKAGE_DIR, 'docs'), { recursive: true });
  console.log(`wrote ${path.relative(process.cwd(), CDKTN_PACKAGE_DIR)} (${manifest.name}@${manifest.version})`);
}

if (require.main === module) main();
