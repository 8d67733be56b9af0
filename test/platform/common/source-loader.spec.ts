import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SOURCE_LOADER } from '../../../src/platform/common/worker-file';

describe('source-loader.js, which runs the TypeScript sources for npm start, the CLI and worker threads', () => {
  it('emits the decorator metadata Nest injects by, and stack traces name the TypeScript line', async () => {
    const fixture = join(__dirname, '../../support/source-loader-fixture.ts');
    const failed = await promisify(execFile)(process.execPath, [
      '-r',
      SOURCE_LOADER,
      fixture,
    ]).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failed).toMatchObject({
      code: 1,
      stdout: 'paramtypes: Clock\n',
      stderr: expect.stringContaining(`${fixture}:15:`),
    });
  });
});
