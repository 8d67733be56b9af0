import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDataDir } from '../support/app';
import { eventually } from './support/eventually';
import { type Answer, FaultServer, INVITE, isUnavailable } from './support/fault-server';

/** A server on `dataDir`, ready, with one invitation recorded. */
async function readyWithOneWrite(dataDir: string): Promise<FaultServer> {
  const server = new FaultServer(dataDir);
  await eventually(async () => (await server.ready()).status === 200, 30_000, 'readiness');
  expect((await server.invite()).id).toBeDefined();
  return server;
}

/** `lost` (events.db or its log) went: writes are refused FILE_LOST and readiness names it. */
async function expectWritesRefusedFor(server: FaultServer, lost: string): Promise<void> {
  const { refusal } = await server.invite();
  expect(isUnavailable(refusal, 'FILE_LOST')).toBe(true);
  const notReady = await server.ready();
  expect(notReady.status).toBe(503);
  expect(notReady.body.problems).toContainEqual(
    expect.objectContaining({
      check: 'event_store',
      cause: 'FILE_LOST',
      detail: expect.stringContaining(`${lost} was deleted`),
    }),
  );
  expect(server.alive).toBe(true);
}

/**
 * A server over a fresh DATA_DIR with one write recorded, started before the calling block's tests
 * and killed after them; a test may replace `server` (a restart) for the next.
 */
function serverForBlock(prefix: string): { dataDir: string; server: FaultServer } {
  const block = {} as { dataDir: string; server: FaultServer };
  beforeAll(async () => {
    block.dataDir = mkdtempSync(join(tmpdir(), prefix));
    block.server = await readyWithOneWrite(block.dataDir);
  }, 40_000);
  afterAll(async () => {
    await block.server.stop('SIGKILL');
    removeDataDir(block.dataDir);
  });
  return block;
}

/**
 * SQLite writes on into a file deleted (or moved away) under it, where no restart finds it: the
 * server must notice, refuse what would be lost, and say so where operators look.
 */
describe('faults: a database file deleted or replaced while the server runs', () => {
  // One server, and one restart, for the three files: each case leaves the next a server to use
  // (events.db last: nothing is written after it).
  const block = serverForBlock('partner-ledger-deleted-');

  it('idempotency.db: a mutation with an Idempotency-Key is refused UNAVAILABLE (FILE_LOST), recording nothing: its key would be forgotten at the next start; one without is taken', async () => {
    rmSync(join(block.dataDir, 'idempotency.db'));
    const keyed = await fetch(`${await block.server.url()}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await block.server.token('ann')}`,
        'idempotency-key': 'invite-after-the-file-went',
      },
      body: JSON.stringify({ query: INVITE }),
    });
    const answer = (await keyed.json()) as Answer['body'];
    expect(keyed.status).toBe(503);
    expect(isUnavailable(answer.errors?.[0]?.extensions, 'FILE_LOST')).toBe(true);
    expect(await block.server.invitationIds()).toHaveLength(1);
    expect((await block.server.invite()).id).toBeDefined();
    expect((await block.server.ready()).body.problems).toContainEqual(
      expect.objectContaining({ check: 'files', cause: 'FILE_LOST' }),
    );
  }, 30_000);

  it('read-models.db: the server is not ready (files, FILE_LOST naming it), logs it once at error, and a restart rebuilds it', async () => {
    rmSync(join(block.dataDir, 'read-models.db'));

    const notReady = await block.server.ready();
    expect(notReady.status).toBe(503);
    expect(notReady.body.problems).toContainEqual({
      check: 'files',
      cause: 'FILE_LOST',
      detail: `${join(block.dataDir, 'read-models.db')} was deleted while the server had it open`,
    });
    expect(await block.server.metrics()).toMatch(
      /partner_ledger_fault\{check="files",cause="FILE_LOST"\} 1/,
    );
    await block.server.ready();
    const logged = block.server.process
      .stdout()
      .split('\n')
      .filter((line) => line.includes('read-models.db was deleted'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0])).toMatchObject({ level: 50 });

    await block.server.stop('SIGTERM');
    block.server = new FaultServer(block.dataDir);
    await eventually(async () => (await block.server.ready()).status === 200, 30_000, 'readiness');
    expect(await block.server.invitationIds()).toHaveLength(2);
  }, 60_000);

  it('events.db: writes are refused UNAVAILABLE (FILE_LOST), recording nothing, and the server is not ready', async () => {
    renameSync(join(block.dataDir, 'events.db'), join(block.dataDir, 'events.db.moved-away'));

    await expectWritesRefusedFor(block.server, 'events.db');
  }, 30_000);
});

describe('faults: the event log’s write-ahead log deleted while the server runs', () => {
  const block = serverForBlock('partner-ledger-deleted-wal-');

  it('events.db-wal: writes are refused UNAVAILABLE (FILE_LOST), recording nothing a crash would lose, and the server is not ready', async () => {
    rmSync(join(block.dataDir, 'events.db-wal'));

    await expectWritesRefusedFor(block.server, 'events.db-wal');
  }, 30_000);
});
