/** `node -r SOURCE_LOADER file.ts`: how a child process runs the TypeScript sources, as `npm start` does. */
export const SOURCE_LOADER = require.resolve('../../src/platform/common/source-loader.js');
