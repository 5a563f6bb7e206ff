'use strict';
/**
 * `node --require ./scripts/transpile-hook.cjs main.ts`: runs the TypeScript app with no type-checking
 * on the synth path (`npm run typecheck` and `npm test` do that). Each .ts file is transpiled by
 * esbuild once and kept in node_modules/.cache, keyed by its content, so a warm run loads no compiler
 * at all. Files keep their own paths, so __dirname and stack traces behave as under tsc.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const CACHE_DIR = path.join(__dirname, '..', 'node_modules', '.cache', 'ssm-session-kit');
// Bump when the options below change, so no stale output is reused.
const FORMAT = 'esbuild-cjs-es2022-v1';

let esbuild;

function transpile(source, filename) {
  const key = crypto.createHash('sha256').update(FORMAT).update('\0').update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // Not cached yet: transpile below.
  }
  esbuild ??= require('esbuild');
  const { code } = esbuild.transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    target: 'es2022',
    sourcefile: filename,
    sourcemap: 'inline',
  });
  // Written under a unique name, then renamed: parallel runs never read a half-written file.
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const partial = `${cached}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(partial, code);
  fs.renameSync(partial, cached);
  return code;
}

require.extensions['.ts'] = function loadTypeScript(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
