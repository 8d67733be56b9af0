import { extname, join } from 'node:path';

/**
 * A worker thread's entry file beside the module that starts it: `.ts` under the test runner and
 * starts from sources (then the worker needs a loader, in `execArgv`), `.js` when built.
 */
export function workerFile(besideFile: string, name: string): { file: string; execArgv: string[] } {
  const extension = extname(besideFile);
  return {
    file: join(besideFile, '..', `${name}${extension}`),
    execArgv: extension === '.ts' ? ['-r', require.resolve('./source-loader.js')] : [],
  };
}
