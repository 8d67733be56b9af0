'use strict';
/**
 * Loads a worker thread's TypeScript sources with SWC and the tests' `.swcrc`, when the process
 * runs from sources. @swc-node/register would do it too, but it loads the TypeScript compiler to
 * read tsconfig.json first: a third of a second of CPU for every worker thread, two of them at
 * every start. Plain JavaScript, since it is what makes TypeScript loadable.
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
