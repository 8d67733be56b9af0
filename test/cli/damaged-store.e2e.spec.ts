import Database from 'better-sqlite3';
import { execFile, spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECTIONS } from '../../src/capabilities';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { ProjectionEngine } from '../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../src/platform/read-store/read-store';
import { removeDataDir, TEST_SECRET } from '../support/app';
import { writeStory } from '../support/story';
import { lockDataDir } from '../../src/platform/server/data-dir-lock';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');

/** Runs a command to its end (or kills it after `ms`): its exit code and what it wrote on stderr. */
async function command(args: string[], env: Record<string, string>, ms = 60_000) {
  try {
    const { stderr } = await run('npm', ['run', '-s', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      timeout: ms,
    });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code?: number; killed?: boolean; stderr: string };
    return { code: failed.killed ? 'killed' : failed.code, stderr: failed.stderr };
  }
}

/** Overwrites the middle third of the event log's pages with a repeated byte: damaged pages. */
function damageEventLog(file: string): void {
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const pages = statSync(file).size / pageSize;
  const fd = openSync(file, 'r+');
  for (let page = Math.floor(pages / 3); page < Math.floor((2 * pages) / 3); page++) {
    writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, page * pageSize);
  }
  closeSync(fd);
}

describe('the command line on a damaged event store or read store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-damaged-'));
  const env = { DATA_DIR: dataDir, AUTH_SECRET: TEST_SECRET };
  const readModels = join(dataDir, 'read-models.db');

  beforeAll(async () => {
    const store = new SqliteEventStore(join(dataDir, 'events.db'));
    await writeStory(store, 60);
    const reads = new ReadStore(readModels);
    await new ProjectionEngine(store, reads, PROJECTIONS).catchUp();
    reads.close();
    await store.close();
    damageEventLog(join(dataDir, 'events.db'));
  }, 60_000);
  afterAll(() => removeDataDir(dataDir));

  const expectGaveUp = (outcome: { code: unknown; stderr: string }) => {
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(
      /error: events\.db in DATA_DIR is damaged .*restore DATA_DIR from a backup/,
    );
    expect(outcome.stderr).not.toContain('try again later');
  };

  it('projections rebuild of a live read model (beside it) exits 1 saying the file is damaged, instead of retrying for ever', async () => {
    expectGaveUp(await command(['projections', '--', 'rebuild', 'customers'], env));
  }, 90_000);

  it('audit verify exits 1 saying the file is damaged and how to mend it, not "try again later"', async () => {
    expectGaveUp(await command(['audit', '--', 'verify'], env));
  }, 90_000);

  it.each<[string, string[], Record<string, string>?]>([
    ['audit export', ['audit', '--', 'export', '--customer', 'customer-1', '--format', 'csv']],
    ['customers export', ['customers', '--', 'export', '--partner', 'partner-0']],
    [
      'projections rebuild --in-place (two threads)',
      ['projections', '--', 'rebuild', '--in-place'],
    ],
    [
      'projections rebuild --in-place (one thread)',
      ['projections', '--', 'rebuild', '--in-place'],
      { PROJECTION_PARALLEL_REPLAY: 'off' },
    ],
  ])(
    '%s from an empty read store exits 1 saying the file is damaged, instead of hanging',
    async (_name, args, extra = {}) => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(readModels + suffix, { force: true });
      expectGaveUp(await command(args, { ...env, ...extra }));
    },
    90_000,
  );

  it('projections status on a damaged read-models.db sets it aside and says who rebuilds it, promising no rebuild it does not do', async () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(readModels + suffix, { force: true });
    writeFileSync(readModels, Buffer.alloc(8192, 0x5a));
    const { code, stderr } = await command(['projections', '--', 'status'], env);
    expect(code).toBe(0);
    expect(stderr).toContain('set aside as');
    expect(stderr).toContain('`projections rebuild` rebuilds the read models');
    expect(stderr).not.toContain('rebuilding the read models');
  }, 90_000);

  it('issue 17: projections status after a replay without a journal was killed deletes the file it may have torn, keeps the policies’ checkpoints and says so', async () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(readModels + suffix, { force: true });
    writeFileSync(readModels, Buffer.alloc(8192, 0x5a));
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const policies = {
      name: 'policy_checkpoints',
      sql: 'CREATE TABLE policy_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)',
      rows: [{ name: 'policies', position: 5 }],
    };
    writeFileSync(`${readModels}.unjournaled`, JSON.stringify({ pid: gone, kept: [policies] }));
    const { code, stderr } = await command(['projections', '--', 'status'], env);
    expect(code).toBe(0);
    expect(stderr).toContain(
      `read models file ${readModels} was being replayed without a journal by process ${gone}, whose replay stopped (its lock was free): deleted (kept policy_checkpoints)`,
    );
    expect(stderr).not.toContain('set aside');
    const reads = new Database(readModels, { readonly: true });
    expect(reads.prepare('SELECT * FROM policy_checkpoints').all()).toEqual(policies.rows);
    reads.close();
  }, 90_000);

  it('projections status beside a running server leaves its damaged read-models.db in place, exits 1 and says the server rebuilds it', async () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(readModels + suffix, { force: true });
    writeFileSync(readModels, Buffer.alloc(8192, 0x5a));
    const release = lockDataDir(dataDir); // as a running server holds it
    try {
      const { code, stderr } = await command(['projections', '--', 'status'], env);
      expect(code).toBe(1);
      expect(stderr).toContain(`read models file ${readModels} failed its integrity check`);
      expect(stderr).toContain('left in place: restart the server');
      expect(readFileSync(readModels)).toEqual(Buffer.alloc(8192, 0x5a));
    } finally {
      release();
    }
  }, 90_000);
});
