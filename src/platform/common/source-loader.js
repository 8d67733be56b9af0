'use strict';
/**
 * Runs the TypeScript sources without a build step (`node -r <this file> src/main.ts`, as `npm
 * start`, the CLI scripts and the worker threads they start do): SWC transpiles each file with
 * `.swcrc`, the config jest uses. @swc-node/register would do it too, but it loads the TypeScript
 * compiler first to read tsconfig.json: a third of a second of CPU for every process and worker
 * thread, and two threads start with every server. Plain JavaScript, since it is what makes
 * TypeScript loadable.
 *
 * What SWC wrote is kept in node_modules/.cache under a hash of everything it depends on (SWC's
 * version, `.swcrc`, this loader and its options, the file's path and text), so an edited file is
 * never served stale and a start whose files are all known loads neither SWC nor transpiles
 * anything. A cache that cannot be read or written only costs the transpiling.
 */
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { addHook } = require('pirates');

const root = join(__dirname, '../../..');
const swcrc = join(root, '.swcrc');
const cacheDir = join(root, 'node_modules/.cache/partner-ledger-source-loader');
const salt = [
  require('@swc/core/package.json').version,
  readFileSync(swcrc),
  readFileSync(__filename),
]
  .map((part) => `${part}\n`)
  .join('');

function transpile(code, filename) {
  return require('@swc/core').transformSync(code, {
    filename,
    configFile: swcrc,
    swcrc: false,
    sourceMaps: 'inline',
  }).code;
}

function keep(file, code) {
  const scratch = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(scratch, code);
    renameSync(scratch, file);
  } catch {
    rmSync(scratch, { force: true }); // a read-only or full disk: the next start transpiles again
  }
}

function load(code, filename) {
  const key = createHash('sha256').update(salt).update(`${filename}\n`).update(code);
  const file = join(cacheDir, `${key.digest('hex')}.js`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    const transpiled = transpile(code, filename);
    keep(file, transpiled);
    return transpiled;
  }
}

process.setSourceMapsEnabled(true);
addHook(load, { exts: ['.ts'], ignoreNodeModules: true });
