import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SOURCE_LOADER } from '../../../src/platform/common/worker-file';

const runThroughLoader = (file: string) =>
  promisify(execFile)(process.execPath, ['-r', SOURCE_LOADER, file]);
const CACHE = join(__dirname, '../../../node_modules/.cache/partner-ledger-source-loader');
const cachedWith = (text: string) =>
  readdirSync(CACHE)
    .map((name) => join(CACHE, name))
    .filter((file) => readFileSync(file, 'utf8').includes(text));

describe('source-loader.js, which runs the TypeScript sources for npm start, the CLI and worker threads', () => {
  it('emits the decorator metadata Nest injects by, and stack traces name the TypeScript line', async () => {
    const fixture = join(__dirname, '../../support/source-loader-fixture.ts');
    const failed = await runThroughLoader(fixture).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed).toMatchObject({
      code: 1,
      stdout: 'paramtypes: Clock\n',
      stderr: expect.stringContaining(`${fixture}:15:`),
    });
  });

  it('runs what it kept for a file from its cache, and transpiles the file again once it is edited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'partner-ledger-loader-'));
    try {
      const source = join(dir, 'greet.ts');
      const marker = `greeting ${dir}`;
      writeFileSync(source, `const said: string = '${marker}';\nconsole.log(said);\n`);
      await expect(runThroughLoader(source)).resolves.toMatchObject({ stdout: `${marker}\n` });

      const kept = cachedWith(marker);
      expect(kept).toHaveLength(1);
      writeFileSync(kept[0], `console.log('read from the cache'); // ${marker}\n`);
      await expect(runThroughLoader(source)).resolves.toMatchObject({
        stdout: 'read from the cache\n',
      });

      writeFileSync(source, `const said: string = 'edited ${marker}';\nconsole.log(said);\n`);
      await expect(runThroughLoader(source)).resolves.toMatchObject({
        stdout: `edited ${marker}\n`,
      });
    } finally {
      for (const file of [...cachedWith(dir), dir]) rmSync(file, { recursive: true, force: true });
    }
  });
});
