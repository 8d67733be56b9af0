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
 * SQLite writes on into a file deleted (or moved away) under it, where no restart finds it: the
 * server must notice, refuse what would be lost, and say so where operators look.
 */
describe('faults: a database file deleted or replaced while the server runs', () => {
  // One server, and one restart, for the three files: each case leaves the next a server to use
  // (events.db last: nothing is written after it).
  let dataDir: string;
  let server: FaultServer;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-deleted-'));
    server = await readyWithOneWrite(dataDir);
  }, 40_000);

  afterAll(async () => {
    await server.stop('SIGKILL');
    removeDataDir(dataDir);
  });

  it('idempotency.db: a mutation with an Idempotency-Key is refused UNAVAILABLE (FILE_LOST), recording nothing: its key would be forgotten at the next start; one without is taken', async () => {
    rmSync(join(dataDir, 'idempotency.db'));
    const keyed = await fetch(`${await server.url()}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await server.token('ann')}`,
        'idempotency-key': 'invite-after-the-file-went',
      },
      body: JSON.stringify({ query: INVITE }),
    });
    const answer = (await keyed.json()) as Answer['body'];
    expect(keyed.status).toBe(503);
    expect(isUnavailable(answer.errors?.[0]?.extensions, 'FILE_LOST')).toBe(true);
    expect(await server.invitationIds()).toHaveLength(1);
    expect((await server.invite()).id).toBeDefined();
    expect((await server.ready()).body.problems).toContainEqual(
      expect.objectContaining({ check: 'files', cause: 'FILE_LOST' }),
    );
  }, 30_000);

  it('read-models.db: the server is not ready (files, FILE_LOST naming it), logs it once at error, and a restart rebuilds it', async () => {
    rmSync(join(dataDir, 'read-models.db'));

    const notReady = await server.ready();
    expect(notReady.status).toBe(503);
    expect(notReady.body.problems).toContainEqual({
      check: 'files',
      cause: 'FILE_LOST',
      detail: `${join(dataDir, 'read-models.db')} was deleted while the server had it open`,
    });
    expect(await server.metrics()).toMatch(
      /partner_ledger_fault\{check="files",cause="FILE_LOST"\} 1/,
    );
    await server.ready();
    const logged = server.process
      .stdout()
      .split('\n')
      .filter((line) => line.includes('read-models.db was deleted'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0])).toMatchObject({ level: 50 });

    await server.stop('SIGTERM');
    server = new FaultServer(dataDir);
    await eventually(async () => (await server.ready()).status === 200, 30_000, 'readiness');
    expect(await server.invitationIds()).toHaveLength(2);
  }, 60_000);

  it('events.db: writes are refused UNAVAILABLE (FILE_LOST), recording nothing, and the server is not ready', async () => {
    renameSync(join(dataDir, 'events.db'), join(dataDir, 'events.db.moved-away'));

    await expectWritesRefusedFor(server, 'events.db');
  }, 30_000);
});

describe('faults: the event log’s write-ahead log deleted while the server runs', () => {
  let dataDir: string;
  let server: FaultServer;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-deleted-wal-'));
    server = await readyWithOneWrite(dataDir);
  }, 40_000);

  afterAll(async () => {
    await server.stop('SIGKILL');
    removeDataDir(dataDir);
  });

  it('events.db-wal: writes are refused UNAVAILABLE (FILE_LOST), recording nothing a crash would lose, and the server is not ready', async () => {
    rmSync(join(dataDir, 'events.db-wal'));

    await expectWritesRefusedFor(server, 'events.db-wal');
  }, 30_000);
});
