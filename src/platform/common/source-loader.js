'use strict';
/**
 * Runs the TypeScript sources without a build step (`node -r <this file> src/main.ts`, as `npm
 * start`, the CLI scripts and the worker threads they start do): SWC transpiles each file with
 * `.swcrc`, the config jest uses. @swc-node/register would do it too, but it loads the TypeScript
 * compiler first to read tsconfig.json: a third of a second of CPU for every process and worker
 * thread, and two threads start with every server. Plain JavaScript, since it is what makes
 * TypeScript loadable.
 */
const { join } = require('node:path');
const { addHook } = require('pirates');
const { transformSync } = require('@swc/core');

const swcrc = join(__dirname, '../../../.swcrc');
process.setSourceMapsEnabled(true);
addHook(
  (code, filename) =>
    transformSync(code, { filename, configFile: swcrc, swcrc: false, sourceMaps: 'inline' }).code,
  { exts: ['.ts'], ignoreNodeModules: true },
);
