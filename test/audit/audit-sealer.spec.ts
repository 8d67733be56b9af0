import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SealChainError } from '../../src/audit/audit-sealer';
import { InvalidSettingsError, loadSettings } from '../../src/platform/config/settings';
import { Problems } from '../../src/audit/problems';
import {
  GENESIS,
  GENESIS_SEAL_HASH,
  newSeal,
  RangeHasher,
  SEAL_STREAM,
} from '../../src/audit/seal';
import { verifySeals } from '../../src/audit/seal-verify';
import type { EventStore } from '../../src/platform/event-store/event-store';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { newEvents, newMetadata, newStreamId } from '../support/events';
import { eventually } from '../support/eventually';
import { newSealKey, sealerOn, sealsIn } from '../support/seals';

const KEY = newSealKey();

async function appendEvents(store: EventStore, count: number): Promise<void> {
  await store.append(newStreamId(), newEvents(count), 'no_stream');
}

/** The chain as verify sees it: every problem found, none expected. */
async function chainProblems(store: EventStore) {
  const problems = new Problems(100);
  const summary = await verifySeals(store, KEY, problems);
  return { problems: problems.found, summary };
}

describe('the audit sealer', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-sealer-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('R41: seals every N events, and a new sealer goes on from the last seal (no checkpoint file)', async () => {
    await appendEvents(store, 25);
    const first = sealerOn(store, KEY, { everyEvents: 10 }).sealer;
    expect(await first.sealDue()).toEqual({ sealed: 2, conflicts: 0, unsealed: 5 });
    expect(readdirSync(dir).filter((file) => !file.startsWith('events.db'))).toEqual([]);

    const second = sealerOn(store, KEY, { everyEvents: 10 }).sealer;
    expect(await second.sealDue()).toEqual({ sealed: 0, conflicts: 0, unsealed: 5 });
    await appendEvents(store, 5);
    expect(await second.sealDue()).toEqual({ sealed: 1, conflicts: 0, unsealed: 0 });

    const seals = await sealsIn(store);
    expect(
      seals.map(({ sequence, from, through, count }) => ({ sequence, from, through, count })),
    ).toEqual([
      { sequence: 0, from: 0, through: 10, count: 10 },
      { sequence: 1, from: 10, through: 20, count: 10 },
      // positions 21–25, both seals (26, 27), then 28–32: the seals are sealed too
      { sequence: 2, from: 20, through: 32, count: 12 },
    ]);
    expect(seals[0].previousSealHash).toBe(GENESIS_SEAL_HASH);
    expect(seals[1].previousSealHash).toBe(seals[0].sealHash);
    expect(seals[2].previousSealHash).toBe(seals[1].sealHash);
    expect(await chainProblems(store)).toMatchObject({
      problems: [],
      summary: { seals: 3, sealedThrough: 32, unsealed: 0 },
    });
  });

  it('R41: seals what is unsealed once the oldest of it is older than the interval', async () => {
    let now = Date.now();
    const { sealer } = sealerOn(store, KEY, {
      everyEvents: 1000,
      intervalMs: 60_000,
      now: () => now,
    });
    await appendEvents(store, 3);
    expect(await sealer.sealDue()).toEqual({ sealed: 0, conflicts: 0, unsealed: 3 });
    now += 60_000;
    expect(await sealer.sealDue()).toEqual({ sealed: 1, conflicts: 0, unsealed: 0 });
    expect(await sealsIn(store)).toMatchObject([{ from: 0, through: 3, count: 3 }]);
    // A seal alone is not worth sealing: nothing else happened.
    now += 60_000;
    expect(await sealer.sealDue()).toEqual({ sealed: 0, conflicts: 0, unsealed: 0 });
  });

  it('R41: two sealers on one store (two processes) never fork the chain: the loser goes on from the winner', async () => {
    const other = new SqliteEventStore(join(dir, 'events.db'));
    try {
      const sealers = [
        sealerOn(store, KEY, { everyEvents: 3 }),
        sealerOn(other, KEY, { everyEvents: 3 }),
      ];
      let conflicts = 0;
      for (let round = 0; round < 8; round++) {
        await appendEvents(round % 2 === 0 ? store : other, 7);
        const passes = await Promise.all(sealers.map(({ sealer }) => sealer.sealDue()));
        conflicts += passes.reduce((sum, pass) => sum + pass.conflicts, 0);
      }
      expect(conflicts).toBeGreaterThan(0);
      const seals = await sealsIn(store);
      expect(seals.map((seal) => seal.sequence)).toEqual(seals.map((_, index) => index));
      seals.slice(1).forEach((seal, index) => {
        expect(seal.previousSealHash).toBe(seals[index].sealHash);
        expect(seal.from).toBe(seals[index].through);
      });
      expect(await chainProblems(store)).toMatchObject({ problems: [] });
    } finally {
      await other.close();
    }
  });

  it('R41: a store that fails is logged at warn and retried with backoff; the server never sees it', async () => {
    await appendEvents(store, 4);
    let failures = 1;
    const flaky: EventStore = Object.create(store) as EventStore;
    flaky.readAll = (options) =>
      failures-- > 0 ? Promise.reject(new Error('disk I/O error')) : store.readAll(options);
    const { sealer, log } = sealerOn(flaky, KEY, { everyEvents: 2 });
    sealer.start();
    try {
      await eventually(async () => (await sealsIn(store)).length === 2);
      expect(log.warn).toEqual([
        expect.stringMatching(/^sealing failed, retrying in 1 s: disk I\/O error$/),
      ]);
      expect(log.error).toEqual([]);
    } finally {
      await sealer.stop();
    }
  });

  it('R41: it extends only a chain it can verify: a latest seal made with another key stops it, with an error', async () => {
    await appendEvents(store, 4);
    const hasher = new RangeHasher();
    (await store.readAll({ after: 0, maxCount: 10 })).forEach((event) => hasher.add(event));
    const forged = newSeal(
      newSealKey(),
      GENESIS,
      { ...hasher.digest(), through: 4 },
      { id: 'forged-seal', metadata: newMetadata() },
    );
    await store.append(SEAL_STREAM, [forged], 'no_stream');
    const { sealer, log } = sealerOn(store, KEY, { everyEvents: 2 });
    await expect(sealer.sealDue()).rejects.toThrow(SealChainError);
    await expect(sealer.sealDue()).rejects.toThrow(/made with another key/);

    sealer.start();
    await eventually(() => log.error.length > 0);
    await sealer.stop();
    expect(log.error[0]).toMatch(
      /^sealing failed, retrying in 1 s: the latest seal \(#0, position 5\) was made with another key/,
    );
    expect(await sealsIn(store)).toHaveLength(1);
  });

  it('R41: seals removed while it runs stop it: it never seals over the hole', async () => {
    await appendEvents(store, 6);
    const { sealer } = sealerOn(store, KEY, { everyEvents: 2 });
    expect((await sealer.sealDue()).sealed).toBe(3);
    const db = new Database(join(dir, 'events.db'));
    db.prepare('DELETE FROM events WHERE stream_id = ? AND revision = 2').run(SEAL_STREAM);
    db.close();
    await appendEvents(store, 2);
    await expect(sealer.sealDue()).rejects.toThrow(
      /ends at the latest seal \(#1, .*\) but this sealer saw seal #2: seals were removed/,
    );
    expect(await sealsIn(store)).toHaveLength(2);
  });

  it('R41: a new sealer on a store whose seals and some events were removed (the embedded store) seals up to the first position left empty and stops there: it never seals over the cut', async () => {
    await appendEvents(store, 6);
    expect((await sealerOn(store, KEY, { everyEvents: 2 }).sealer.sealDue()).sealed).toBe(3);
    const db = new Database(join(dir, 'events.db'));
    db.prepare('DELETE FROM events WHERE stream_id = ?').run(SEAL_STREAM);
    db.close();
    await appendEvents(store, 2);
    const { sealer } = sealerOn(store, KEY, { everyEvents: 2 });
    await expect(sealer.sealDue()).rejects.toThrow(
      'positions 7 to 9 hold no event, where the event store never skips one: events were removed there, and the sealer will not seal over them',
    );
    // What stands before the cut is sealed; nothing after it.
    const seals = await sealsIn(store);
    expect(seals.map((seal) => seal.through)).toEqual([2, 4, 6]);
  });

  it('follows appends once started, and seals nothing more once stopped', async () => {
    await appendEvents(store, 3);
    const { sealer } = sealerOn(store, KEY, { everyEvents: 1 });
    sealer.start();
    await eventually(async () => (await sealsIn(store)).length === 3);
    await appendEvents(store, 1);
    await eventually(async () => (await sealsIn(store)).length === 4);
    await sealer.stop();
    const sealed = (await sealsIn(store)).length;
    await appendEvents(store, 3);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await sealsIn(store)).toHaveLength(sealed);
  });

  it('takes its settings from the environment, and refuses a short key', () => {
    expect(loadSettings({})).toMatchObject({
      AUDIT_SEAL_EVERY_EVENTS: 1000,
      AUDIT_SEAL_INTERVAL_MS: 60_000,
    });
    expect(loadSettings({}).AUDIT_SEAL_KEY).toBeUndefined();
    expect(() => loadSettings({ AUDIT_SEAL_KEY: 'too-short' })).toThrow(InvalidSettingsError);
    expect(() => loadSettings({ AUDIT_SEAL_KEY: 'too-short' })).toThrow(
      'AUDIT_SEAL_KEY: AUDIT_SEAL_KEY must be at least 32 characters',
    );
    expect(() => loadSettings({ AUDIT_SEAL_EVERY_EVENTS: '0' })).toThrow(InvalidSettingsError);
  });
});
