import { execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { open } from 'node:fs/promises';
import request from 'supertest';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECTIONS } from '../../../src/capabilities';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { READ_STORE, type ReadStore } from '../../../src/platform/read-store/read-store';
import { acceptedCustomers, removeDataDir, startApp, TEST_SECRET } from '../../support/app';
import { dumpReadModels } from '../../support/read-model-dump';
import { eventually } from '../../support/eventually';
import { people } from '../../support/tenants';
import { SOURCE_LOADER } from '../../../src/platform/common/worker-file';

const run = promisify(execFile);
const ROOT = join(__dirname, '../../..');
const cli = (args: string[], env: Record<string, string>) =>
  run('npm', ['run', '-s', ...args], { cwd: ROOT, env: { ...process.env, ...env } });

const INVITE = 'mutation { requestResellerRelationship(input: {}) { id } }';

/** The same invitation request with the same Idempotency-Key, as a client retrying it sends it. */
const sendKeyed = (url: string, token: string) =>
  request(url)
    .post('/graphql')
    .set('content-type', 'application/json')
    .set('authorization', `Bearer ${token}`)
    .set('idempotency-key', 'invite-before-the-backup')
    .send({ query: INVITE });
const SEALS = '{ auditLog(filter: { eventTypes: ["AuditSealed"] }) { totalCount } }';
const mode = (path: string) => statSync(path).mode & 0o777;

async function allEvents(dataDir: string) {
  const store = new SqliteEventStore(join(dataDir, 'events.db'));
  try {
    return await store.readAll({ after: 0, maxCount: 100_000 });
  } finally {
    await store.close();
  }
}

/** The documented restore: the backup's files into a new, empty DATA_DIR (700), modes kept. */
function restore(backup: string, files = readdirSync(backup)): string {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'partner-ledger-restored-')), 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  for (const file of files) copyFileSync(join(backup, file), join(dataDir, file));
  return dataDir;
}

async function readModelsOnceReady(dataDir: string) {
  const app = await startApp({ dataDir });
  try {
    return dumpReadModels(app.app.get<ReadStore>(READ_STORE), PROJECTIONS);
  } finally {
    await app.close();
  }
}

describe('backup while the server writes, then restore', () => {
  let original: Awaited<ReturnType<typeof startApp>>;
  let backup: string;
  let stdout: string;
  let keyed: request.Response;
  const secret = 'a generated secret kept in DATA_DIR';

  beforeAll(async () => {
    // Sealed every few events, so the restored chain is checked against seals (R41).
    original = await startApp({
      env: { AUDIT_SEAL_EVERY_EVENTS: '3', AUDIT_SEAL_INTERVAL_MS: '200' },
    });
    const ann = await original.token(people.ann);
    await acceptedCustomers(original, ann, 5);
    const opal = await original.token(people.opal);
    await eventually(async () => (await original.gql(opal, SEALS)).data.auditLog.totalCount > 0);
    writeFileSync(join(original.dataDir, 'auth-secret'), secret, { mode: 0o600 });
    keyed = await sendKeyed(original.url, ann);
    expect(keyed.headers['idempotent-replayed']).toBeUndefined();
    backup = join(mkdtempSync(join(tmpdir(), 'partner-ledger-backup-')), 'backup');
    // Partners keep inviting while the backup is taken: it must still be one consistent moment.
    let writing = true;
    const writer = (async () => {
      while (writing) await original.gql(ann, INVITE);
    })();
    try {
      ({ stdout } = await cli(['backup', '--', '--to', backup], {
        DATA_DIR: original.dataDir,
        AUTH_SECRET: TEST_SECRET,
      }));
    } finally {
      writing = false;
      await writer;
    }
  }, 60_000);
  afterAll(async () => {
    await original.close();
    removeDataDir(original.dataDir);
    removeDataDir(join(backup, '..'));
  });

  it('writes both databases (checkpoints included), the secret and the seal key, in a directory only its owner reads', () => {
    expect(readdirSync(backup).sort()).toEqual(
      ['audit-seal-key', 'auth-secret', 'events.db', 'idempotency.db', 'read-models.db'].sort(),
    );
    expect(readFileSync(join(backup, 'audit-seal-key'), 'utf8')).toBe(
      readFileSync(join(original.dataDir, 'audit-seal-key'), 'utf8'),
    );
    expect(mode(backup)).toBe(0o700);
    for (const file of readdirSync(backup)) expect(mode(join(backup, file))).toBe(0o600);
    expect(readFileSync(join(backup, 'auth-secret'), 'utf8')).toBe(secret);
    expect(stdout).toContain(`backup complete in ${backup}`);
  });

  it('the restored event store is the original up to the moment of the backup', async () => {
    const restored = restore(backup);
    try {
      const copy = await allEvents(restored);
      const events = await allEvents(original.dataDir);
      expect(copy.length).toBeGreaterThan(10);
      expect(copy).toEqual(events.slice(0, copy.length));
    } finally {
      removeDataDir(join(restored, '..'));
    }
  });

  it('the restored read models, caught up, equal read models rebuilt from the restored events alone', async () => {
    const restored = restore(backup);
    const rebuilt = restore(backup, ['events.db']);
    try {
      expect(await readModelsOnceReady(restored)).toEqual(await readModelsOnceReady(rebuilt));
    } finally {
      removeDataDir(join(restored, '..'));
      removeDataDir(join(rebuilt, '..'));
    }
  });

  it('a restored server answers, and its audit chain verifies', async () => {
    const restored = restore(backup);
    try {
      const app = await startApp({ dataDir: restored });
      try {
        const page = await app.gql(await app.token(people.ann), '{ customers { totalCount } }');
        expect(page.data.customers.totalCount).toBe(5);
      } finally {
        await app.close();
      }
      const verified = await cli(['audit', '--', 'verify'], {
        DATA_DIR: restored,
        AUTH_SECRET: TEST_SECRET,
      });
      expect(verified.stdout).toMatch(/^OK: the events match their seals/);
    } finally {
      removeDataDir(join(restored, '..'));
    }
  });

  it('a request retried with its Idempotency-Key after a restore is answered as before, not run again', async () => {
    const restored = restore(backup);
    try {
      const app = await startApp({ dataDir: restored });
      try {
        const retried = await sendKeyed(app.url, await app.token(people.ann));
        expect(retried.headers['idempotent-replayed']).toBe('true');
        expect(retried.body).toEqual(keyed.body);
      } finally {
        await app.close();
      }
    } finally {
      removeDataDir(join(restored, '..'));
    }
  });

  it('refuses a directory that is not empty, and writes nothing into it', async () => {
    const failed = await cli(['backup', '--', '--to', backup], {
      DATA_DIR: original.dataDir,
      AUTH_SECRET: TEST_SECRET,
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('is not empty') });
    expect(readdirSync(backup)).toHaveLength(5);
  });

  it('a backup that fails partway leaves no directory under the target’s name, nor its partial copy', async () => {
    // A data dir whose last file cannot be read: both databases are copied, then the copy fails.
    const broken = restore(backup, ['events.db', 'read-models.db', 'auth-secret']);
    mkdirSync(join(broken, 'audit-seal-key'));
    const parent = mkdtempSync(join(tmpdir(), 'partner-ledger-backup-'));
    const failed = await cli(['backup', '--', '--to', join(parent, 'backup')], {
      DATA_DIR: broken,
      AUTH_SECRET: TEST_SECRET,
    }).catch((error: { code: number }) => error);
    expect(failed).toMatchObject({ code: 1 });
    // Copied beside it and renamed only once whole; a killed copy keeps `backup.incomplete-*`.
    expect(readdirSync(parent)).toEqual([]);
    removeDataDir(parent);
    removeDataDir(join(broken, '..'));
  });

  it('a partial copy a killed backup left beside the target is named by the next backup, and left in place', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'partner-ledger-backup-'));
    const leftover = join(parent, 'backup.incomplete-killed');
    mkdirSync(leftover);
    const dataDir = restore(backup);
    const { stderr } = await cli(['backup', '--', '--to', join(parent, 'backup')], {
      DATA_DIR: dataDir,
      AUTH_SECRET: TEST_SECRET,
    });
    expect(stderr).toContain(
      `${leftover} is the partial copy of a backup that did not finish (killed, or still running): remove it once no backup runs`,
    );
    expect(readdirSync(parent).sort()).toEqual(['backup', 'backup.incomplete-killed']);
    removeDataDir(parent);
    removeDataDir(join(dataDir, '..'));
  });

  it('Ctrl-C during a backup removes its partial copy, says so and exits 130', async () => {
    // auth-secret as a named pipe: the copy waits there, its databases copied, until written to.
    const held = restore(backup, ['events.db', 'read-models.db', 'idempotency.db']);
    execFileSync('mkfifo', [join(held, 'auth-secret')]);
    const parent = mkdtempSync(join(tmpdir(), 'partner-ledger-backup-'));
    const child = spawn(
      process.execPath,
      ['-r', SOURCE_LOADER, 'src/cli.ts', 'backup', '--to', join(parent, 'backup')],
      { cwd: ROOT, env: { ...process.env, DATA_DIR: held, AUTH_SECRET: TEST_SECRET } },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    // Opening the pipe to write returns once the backup opened it to read.
    const pipe = await open(join(held, 'auth-secret'), 'w');
    expect(readdirSync(parent)).toEqual([expect.stringMatching(/^backup\.incomplete-/)]);
    child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await pipe.write('secret');
    await pipe.close();
    const [code] = await exited;
    expect(stderr).toContain(
      `the backup was interrupted (SIGINT): nothing was kept under ${join(parent, 'backup')}`,
    );
    expect(code).toBe(130);
    expect(readdirSync(parent)).toEqual([]);
    removeDataDir(parent);
    removeDataDir(join(held, '..'));
  });

  it('a target whose file system fills up is named as full, and keeps nothing', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'partner-ledger-backup-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', parent], { stdio: 'pipe' });
    } catch (error) {
      removeDataDir(parent);
      console.warn(
        `SKIPPED the full backup target case: cannot mount a small tmpfs here (needs root): ${(error as Error).message}`,
      );
      return;
    }
    try {
      const failed = await cli(['backup', '--', '--to', join(parent, 'backup')], {
        DATA_DIR: original.dataDir,
        AUTH_SECRET: TEST_SECRET,
      }).catch((error: { code: number; stderr: string }) => error);
      expect(failed).toMatchObject({
        code: 1,
        stderr: expect.stringContaining(
          `the backup target's file system is full (database or disk is full): nothing was kept under ${join(parent, 'backup')}`,
        ),
      });
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      execFileSync('umount', [parent]);
      removeDataDir(parent);
    }
  });

  it('refuses a DATA_DIR with no events.db (a mistyped one), and creates no backup', async () => {
    const target = join(backup, '..', 'from-nowhere');
    const failed = await cli(['backup', '--', '--to', target], {
      DATA_DIR: join(backup, '..', 'no-such-data-dir'),
      AUTH_SECRET: TEST_SECRET,
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no event store there'),
    });
    expect(existsSync(target)).toBe(false);
  });

  it('refuses a target that is a file, under a file, empty, or inside DATA_DIR (lost with it, copied into its own restores), with a clear message naming it', async () => {
    const file = join(backup, '..', 'a-file');
    writeFileSync(file, 'not a directory');
    const inside = join(original.dataDir, 'backups', 'today');
    // A data volume reached through a symbolic link is the same directory.
    const link = join(backup, '..', 'data-link');
    symlinkSync(original.dataDir, link);
    for (const [target, message, dataDir] of [
      [file, 'is a file, not a directory', original.dataDir],
      [
        join(file, 'backup'),
        `the backup cannot be written to ${join(file, 'backup')} (`,
        original.dataDir,
      ],
      ['', '--to is empty', original.dataDir],
      [inside, 'is inside DATA_DIR', original.dataDir],
      [join(link, 'backups', 'today'), 'is inside DATA_DIR', original.dataDir],
      [inside, 'is inside DATA_DIR', link],
    ]) {
      const failed = await cli(['backup', '--', '--to', target], {
        DATA_DIR: dataDir,
        AUTH_SECRET: TEST_SECRET,
      }).catch((error: { code: number; stderr: string }) => error);
      expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining(message) });
    }
    expect(readFileSync(file, 'utf8')).toBe('not a directory');
    expect(existsSync(join(original.dataDir, 'backups'))).toBe(false);
  });
});
