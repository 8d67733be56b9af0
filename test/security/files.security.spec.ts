import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveHmacSecret } from '../../src/platform/auth/local-secret';
import { mintToken } from '../../src/platform/auth/token-minter';
import { generatedSecret } from '../../src/platform/config/generated-secret';
import { InvalidSettingsError, loadSettings } from '../../src/platform/config/settings';
import { existingSealKey, sealKey } from '../../src/audit/seal-key';
import { assertStoreExists } from '../../src/cli/opened-stores';
import { ensurePrivateDir } from '../../src/platform/security/private-files';
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

  // Probe finding: an emptied auth-secret signed and checked tokens with the key '' (an Operator
  // token anyone could forge was taken), and a cut-short seal key sealed the audit log.
  it.each([
    ['auth-secret', 'emptied', ''],
    ['auth-secret', 'cut short', 'short\n'],
    ['audit-seal-key', 'cut short', 'x'.repeat(31)],
  ])('a generated %s that was %s stops the start, naming the file', async (name, _how, content) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-secret-file-'));
    try {
      writeFileSync(join(dataDir, name), content, { mode: 0o600 });
      const settings = loadSettings({ DATA_DIR: dataDir, AUTH_SECRET: '' });
      const use = name === 'auth-secret' ? resolveHmacSecret : sealKey;
      expect(() => use(settings)).toThrow(
        `${join(dataDir, name)} holds ${content.trim().length} characters, fewer than the 32 a secret needs`,
      );
      if (name === 'audit-seal-key') expect(() => existingSealKey(settings)).toThrow(name);
      const started = run(process.execPath, ['-r', SOURCE_LOADER, 'src/main.ts'], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, PORT: '0', AUTH_SECRET: '' },
      });
      await expect(started).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`${join(dataDir, name)} holds`),
      });
    } finally {
      removeDataDir(dataDir);
    }
  });

  // CLI probe: these starts failed with "unable to open database file" or a bare EEXIST.
  it.each([
    [
      'events.db is a directory',
      (dir: string) => mkdirSync(join(dir, 'events.db')),
      'events.db is not a file',
    ],
    [
      'server.lock is a directory',
      (dir: string) => mkdirSync(join(dir, 'server.lock')),
      'server.lock is not a file',
    ],
  ])('a start where %s exits 1 naming it', async (_what, arrange, said) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-odd-file-'));
    try {
      arrange(dataDir);
      const started = run(process.execPath, ['-r', SOURCE_LOADER, 'src/main.ts'], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, PORT: '0', AUTH_SECRET: 'x'.repeat(32) },
      });
      await expect(started).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`${join(dataDir, said)} (a directory`),
      });
    } finally {
      removeDataDir(dataDir);
    }
  });

  it('a DATA_DIR that is a file, or an events.db that cannot be read, is said to be so, not missing', () => {
    const parent = mkdtempSync(join(tmpdir(), 'partner-ledger-odd-dir-'));
    try {
      const file = join(parent, 'a-file');
      writeFileSync(file, '');
      expect(() => ensurePrivateDir(file)).toThrow(`${file} is not a directory (EEXIST)`);
      const looped = join(parent, 'looped');
      mkdirSync(looped);
      symlinkSync(join(looped, 'events.db'), join(looped, 'events.db'));
      expect(() => assertStoreExists(loadSettings({ DATA_DIR: looped }))).toThrow(
        `${join(looped, 'events.db')} cannot be read (ELOOP)`,
      );
      expect(() => assertStoreExists(loadSettings({ DATA_DIR: join(parent, 'none') }))).toThrow(
        'does not exist: no event store there',
      );
    } finally {
      removeDataDir(parent);
    }
  });

  it('an events.db without its events table is refused as not an event store, and left as it is (a command never creates the table)', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-no-table-'));
    try {
      const file = join(dataDir, 'events.db');
      new Database(file).exec('CREATE TABLE other (id INTEGER)').close();
      expect(() => assertStoreExists(loadSettings({ DATA_DIR: dataDir }))).toThrow(
        `${file} holds no events table: it is not partner-ledger's event store, or it was damaged; restore it from a backup`,
      );
      const tables = new Database(file, { readonly: true });
      expect(tables.prepare('SELECT name FROM sqlite_master').pluck().all()).toEqual(['other']);
      tables.close();
      // A file that is not SQLite at all is left to the store's open, which names it as damaged.
      writeFileSync(file, 'not a database, not even its header');
      expect(() => assertStoreExists(loadSettings({ DATA_DIR: dataDir }))).not.toThrow();
    } finally {
      removeDataDir(dataDir);
    }
  });

  it('the secret is generated once, written whole beside its place and linked there: nothing else is left', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-secret-race-'));
    try {
      const secrets = Array.from({ length: 5 }, () => generatedSecret(dataDir, 'auth-secret'));
      expect(new Set(secrets).size).toBe(1);
      expect(secrets[0]).toMatch(/^[0-9a-f]{64}$/);
      expect(readdirSync(dataDir)).toEqual(['auth-secret']);
    } finally {
      removeDataDir(dataDir);
    }
  });
});
