import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './support/eventually';
import { FaultServer, isUnavailable } from './support/fault-server';
import { lockFromAnotherProcess } from './support/locker';

describe('faults: a store held locked by another process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'faults-lock-'));
  let server: FaultServer;
  const acknowledged: string[] = [];

  beforeAll(async () => {
    server = new FaultServer(dataDir, {
      STORE_LOCK_WAIT_MS: '3000',
      READ_YOUR_WRITES_TIMEOUT_MS: '2000',
    });
    await eventually(async () => (await server.ready()).status === 200, 30_000, 'readiness');
    for (let n = 0; n < 3; n++) acknowledged.push((await server.invite()).id!);
  }, 40_000);

  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('events.db: writes wait off the event loop, then answer UNAVAILABLE (LOCKED); reads are served; not ready; recovers when let go', async () => {
    const locker = await lockFromAnotherProcess(join(dataDir, 'events.db'));
    try {
      let settled = false;
      const refused = server.invite().finally(() => (settled = true));
      // The event loop is free while the write waits for the lock: probes and reads answer.
      const live = await fetch(`${await server.url()}/health/live`);
      expect(live.status).toBe(200);
      expect(await server.invitationIds()).toEqual(expect.arrayContaining(acknowledged));
      expect(settled).toBe(false);
      expect(isUnavailable((await refused).refusal, 'LOCKED')).toBe(true);

      const ready = await server.ready();
      expect(ready.status).toBe(503);
      expect(ready.body.problems).toContainEqual(
        expect.objectContaining({ check: 'event_store', cause: 'LOCKED' }),
      );
      const metrics = await server.metrics();
      expect(metrics).toMatch(/partner_ledger_fault\{check="event_store",cause="LOCKED"\} 1/);
      // The gauge says what the probe says.
      expect(metrics).toMatch(/^partner_ledger_ready 0$/m);
    } finally {
      await locker.release();
    }
    await eventually(async () => (await server.ready()).status === 200, 10_000, 'readiness');
    const after = await server.invite();
    expect(after.id).toBeDefined();
    acknowledged.push(after.id!);
    expect(await server.invitationIds()).toEqual(expect.arrayContaining(acknowledged));
    expect(server.alive).toBe(true);
  }, 30_000);

  it('read-models.db: a write is recorded and says so; the projections report the lock and catch up once it is let go', async () => {
    const locker = await lockFromAnotherProcess(join(dataDir, 'read-models.db'));
    try {
      const recorded = await server.invite();
      // Recorded either way: answered at once, or NOT_READY saying it was recorded.
      if (!recorded.id)
        expect(recorded.refusal).toMatchObject({ code: 'NOT_READY', recorded: true });
      const notReady = await eventually(
        async () => {
          const ready = await server.ready();
          return ready.status === 503 ? ready.body : undefined;
        },
        15_000,
        'not ready',
      );
      expect(notReady.problems).toContainEqual(
        // The worker's batch, or the policies' checkpoint, whichever meets the lock first.
        expect.objectContaining({
          check: expect.stringMatching(/^(projections|read_store)$/),
          cause: 'LOCKED',
        }),
      );
      expect(server.alive).toBe(true);
    } finally {
      await locker.release();
    }
    await eventually(async () => (await server.ready()).status === 200, 15_000, 'readiness');
    const ids = await eventually(async () => {
      const all = await server.invitationIds();
      return all.length === acknowledged.length + 1 && all;
    }, 10_000);
    expect(ids).toEqual(expect.arrayContaining(acknowledged));
    expect(server.alive).toBe(true);
  }, 40_000);
});
