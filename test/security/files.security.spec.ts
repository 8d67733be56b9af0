import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveHmacSecret } from '../../src/platform/auth/local-secret';
import { mintToken } from '../../src/platform/auth/token-minter';
import { InvalidSettingsError, loadSettings } from '../../src/platform/config/settings';
import { removeDataDir, startApp } from '../support/app';
import { people } from '../support/tenants';
import { SOURCE_LOADER } from '../../src/platform/common/worker-file';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');
const mode = (path: string) => statSync(path).mode & 0o777;

describe('files and secrets', () => {
  it('creates DATA_DIR 700 and every database and secret file in it 600', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'partner-ledger-files-'));
    const dataDir = join(parent, 'data');
    const previous = process.umask(0o022);
    // No AUTH_SECRET: the secret is generated into DATA_DIR.
    const app = await startApp({ dataDir, env: { AUTH_SECRET: '' } });
    let closed = false;
    try {
      const ann = await mintToken(resolveHmacSecret(app.settings), people.ann);
      const invited = await app.gql(
        ann,
        'mutation { requestResellerRelationship(input: {}) { id } }',
      );
      expect(invited.errors).toBeUndefined();
      await app.close();
      closed = true;
      expect(mode(dataDir)).toBe(0o700);
      const files = readdirSync(dataDir);
      expect(files).toEqual(expect.arrayContaining(['events.db', 'read-models.db', 'auth-secret']));
      for (const file of files) expect([file, mode(join(dataDir, file))]).toEqual([file, 0o600]);
    } finally {
      if (!closed) await app.close();
      process.umask(previous);
      removeDataDir(parent);
    }
  });

  it('AUTH_SECRET shorter than 32 bytes stops the start with a clear message', async () => {
    expect(() => loadSettings({ AUTH_SECRET: 'short-secret' })).toThrow(InvalidSettingsError);
    expect(() => loadSettings({ AUTH_SECRET: 'short-secret' })).toThrow(/AUTH_SECRET.*32 bytes/);
    expect(loadSettings({ AUTH_SECRET: 'x'.repeat(32) }).AUTH_SECRET).toHaveLength(32);
    const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-secret-'));
    try {
      const started = run(process.execPath, ['-r', SOURCE_LOADER, 'src/main.ts'], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, PORT: '0', AUTH_SECRET: 'too-short' },
      });
      await expect(started).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/AUTH_SECRET: must be at least 32 bytes/),
      });
    } finally {
      removeDataDir(dataDir);
    }
  });
});
