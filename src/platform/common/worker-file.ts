import { extname, join } from 'node:path';

/**
 * `node -r SOURCE_LOADER file.ts`: how a process or worker thread runs the TypeScript sources
 * (source-loader.js). Only a start from sources uses it: a build has no such file beside this one.
 */
export const SOURCE_LOADER = join(__dirname, 'source-loader.js');

/**
 * A worker thread's entry file beside the module that starts it: `.ts` under the test runner and
 * starts from sources (then the worker needs a loader, in `execArgv`), `.js` when built.
 */
export function workerFile(besideFile: string, name: string): { file: string; execArgv: string[] } {
  const extension = extname(besideFile);
  return {
    file: join(besideFile, '..', `${name}${extension}`),
    execArgv: extension === '.ts' ? ['-r', SOURCE_LOADER] : [],
  };
}
