import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EsdbEventStore } from '../../../src/platform/event-store/esdb/esdb-event-store';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { EventStoreLeaseStore } from '../../../src/platform/lease/event-store-lease-store';
import { Lease } from '../../../src/platform/lease/lease';
import {
  type LeaseRecord,
  type LeaseStore,
  UNREADABLE_HOLDER,
} from '../../../src/platform/lease/lease-store';
import { SqliteLeaseStore } from '../../../src/platform/lease/sqlite-lease-store';
import { type ProcessIdentity, thisProcess } from '../../../src/platform/common/process-identity';
import { EsdbDouble } from '../../support/esdb-double/esdb-double';
import { newEvent } from '../../support/events';

/** Long enough for a first gRPC connection on a busy machine: a write slower than the TTL grants nothing. */
const TTL = 1000;

/** A holder whose process froze: its writes never complete (as if killed mid-renewal). */
function freezable(store: LeaseStore): LeaseStore & { freeze(): void } {
  let frozen = false;
  return {
    freeze: () => (frozen = true),
    read: (name) => (frozen ? new Promise(() => undefined) : store.read(name)),
    write: (name, record, version) =>
      frozen ? new Promise(() => undefined) : store.write(name, record, version),
    close: () => store.close(),
  };
}

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !condition(); await sleep(10)) {
    if (Date.now() > end) throw new Error('condition not met in time');
  }
}

describe.each([
  ['SQLite (a table in events.db, several processes on one file)', 'sqlite'],
  ['EventStoreDB (a stream with expected revisions, on the gRPC double)', 'esdb'],
])('Lease on %s', (_name, kind) => {
  let dir: string;
  let double: EsdbDouble | undefined;
  let eventStores: { close(): Promise<void> }[];
  let newStore: () => LeaseStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'partner-ledger-lease-'));
    eventStores = [];
    if (kind === 'sqlite') {
      const events = new SqliteEventStore(join(dir, 'events.db'));
      eventStores.push(events);
      newStore = () => new SqliteLeaseStore(join(dir, 'events.db'));
    } else {
      double = await EsdbDouble.start({ batchAppend: true });
      // One client, connected before the leases start: a first call's connection is not timed.
      const client = new EsdbEventStore(double.url);
      eventStores.push(client);
      await client.headPosition();
      newStore = () => new EventStoreLeaseStore(client);
    }
  });
  afterEach(async () => {
    for (const store of eventStores) await store.close();
    await double?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one of three contenders holds it; a release hands it over at once with the checkpoint', async () => {
    const leases = [0, 1, 2].map(
      (index) => new Lease(newStore(), 'policies', { ttlMs: TTL, holder: `i${index}` }),
    );
    const acquired: Record<string, number> = {};
    const checkpoints = [100, 200, 300];
    await Promise.all(
      leases.map((lease, index) =>
        lease.start({
          checkpoint: () => checkpoints[index],
          onAcquired: (checkpoint) => (acquired[lease.self] = checkpoint),
        }),
      ),
    );
    expect(leases.filter((lease) => lease.held)).toHaveLength(1);
    const first = leases.find((lease) => lease.held)!;
    expect(acquired).toEqual({ [first.self]: 0 });

    await first.stop();
    const firstCheckpoint = checkpoints[leases.indexOf(first)];
    await until(() => leases.some((lease) => lease !== first && lease.held));
    const second = leases.find((lease) => lease.held)!;
    expect(acquired[second.self]).toBe(firstCheckpoint);
    expect(leases.filter((lease) => lease.held)).toHaveLength(1);
    for (const lease of leases) await lease.stop();
  });

  it('a holder that freezes stops acting when its TTL runs out, and only then another takes over', async () => {
    const frozenStore = freezable(newStore());
    const holder = new Lease(frozenStore, 'policies', { ttlMs: TTL, holder: 'frozen' });
    await holder.start({ checkpoint: () => 7, onAcquired: () => undefined });
    expect(holder.held).toBe(true);
    const others = [1, 2].map(
      (index) => new Lease(newStore(), 'policies', { ttlMs: TTL, holder: `o${index}` }),
    );
    const taken: number[] = [];
    for (const other of others)
      await other.start({
        checkpoint: () => 0,
        onAcquired: (checkpoint) => taken.push(checkpoint),
      });
    expect(others.some((other) => other.held)).toBe(false);
    expect(others[0].status().holder).toBe('frozen');

    frozenStore.freeze();
    let overlap = false;
    const sampler = setInterval(() => {
      if ([holder, ...others].filter((lease) => lease.held).length > 1) overlap = true;
    }, 5);
    try {
      await until(() => others.some((other) => other.held));
    } finally {
      clearInterval(sampler);
    }
    expect(holder.held).toBe(false);
    expect(overlap).toBe(false);
    expect(others.filter((other) => other.held)).toHaveLength(1);
    expect(taken).toEqual([7]);
    for (const other of others) await other.stop();
  });

  it('a holder whose process exited on this machine is taken over at once; one that may still run is waited out', async () => {
    const self = thisProcess()!;
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    const crashedAs = async (holder: ProcessIdentity) => {
      const store = newStore();
      const record = { holder: 'crashed', ttlMs: 60_000, expiresAt: '', checkpoint: 42 };
      const current = await store.read('policies');
      await store.write('policies', { ...record, process: holder }, current?.version ?? -1);
      const lease = new Lease(newStore(), 'policies', { ttlMs: 60_000, holder: 'restarted' });
      const acquired: number[] = [];
      await lease.start({ checkpoint: () => 0, onAcquired: (at) => acquired.push(at) });
      const held = lease.held;
      await lease.stop();
      return { held, acquired };
    };

    expect(await crashedAs({ ...self, pid: exited })).toEqual({ held: true, acquired: [42] });
    // Its PID now names another process, which started later: this one, or PID 1.
    for (const reused of [
      { ...self, startTicks: '0' },
      { ...self, pid: 1 },
    ]) {
      expect(await crashedAs(reused)).toEqual({ held: true, acquired: [42] });
    }
    for (const alive of [
      { ...self, pid: 1, startTicks: undefined },
      { ...self, pid: exited, bootId: 'another-boot' },
      { ...self, pid: exited, pidNamespace: 'pid:[another-container]' },
    ]) {
      expect(await crashedAs(alive)).toEqual({ held: false, acquired: [] });
    }
  });

  it('a record that is not a lease record (written by hand) is waited out for one TTL, then taken over from its checkpoint', async () => {
    const noTtl = { holder: 'hand-written', checkpoint: 9 } as unknown as LeaseRecord;
    await newStore().write('policies', noTtl, -1);
    const lease = new Lease(newStore(), 'policies', { ttlMs: TTL, holder: 'next' });
    const acquired: number[] = [];
    const started = Date.now();
    await lease.start({ checkpoint: () => 0, onAcquired: (at) => acquired.push(at) });
    expect(lease.status()).toMatchObject({ held: false, holder: UNREADABLE_HOLDER, checkpoint: 9 });
    await until(() => lease.held);
    expect(Date.now() - started).toBeGreaterThanOrEqual(TTL);
    expect(acquired).toEqual([9]);
    await lease.stop();
  });

  it('a write at a version someone else already wrote loses', async () => {
    const store = newStore();
    const record = { holder: 'a', ttlMs: TTL, expiresAt: new Date().toISOString(), checkpoint: 0 };
    expect(await store.write('policies', record, -1)).toBe(0);
    expect(await store.write('policies', { ...record, holder: 'b' }, -1)).toBeNull();
    expect(await store.write('policies', { ...record, holder: 'b' }, 0)).toBe(1);
    expect(await store.write('policies', { ...record, holder: 'c' }, 0)).toBeNull();
    expect(await store.read('policies')).toEqual({
      version: 1,
      record: { ...record, holder: 'b' },
    });
  });
});

describe('a lease row in events.db that is not JSON', () => {
  it('reads as an unknown holder with no checkpoint, waited out for one TTL, instead of failing every read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'partner-ledger-lease-'));
    const file = join(dir, 'events.db');
    const events = new SqliteEventStore(file);
    const store = new SqliteLeaseStore(file);
    try {
      const record = { holder: 'a', ttlMs: TTL, expiresAt: '', checkpoint: 5 };
      await store.write('policies', record, -1);
      const db = new Database(file);
      db.prepare("UPDATE leases SET record = '{not json' WHERE name = 'policies'").run();
      db.close();
      expect(await store.read('policies')).toEqual({
        version: 0,
        record: { holder: UNREADABLE_HOLDER, ttlMs: 0, expiresAt: '', checkpoint: 0 },
      });
      const lease = new Lease(store, 'policies', { ttlMs: TTL, holder: 'next' });
      const acquired: number[] = [];
      await lease.start({ checkpoint: () => 0, onAcquired: (at) => acquired.push(at) });
      await until(() => lease.held);
      expect(acquired).toEqual([0]);
      await lease.stop();
    } finally {
      await store.close();
      await events.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// README probe: another process holding events.db's write lock stopped every request of the
// server for 5 s at each lease beat (SQLite's busy wait is a blocking one).
describe('a lease renewal while another process holds the lock on events.db', () => {
  it('is refused within a few tens of milliseconds, blocking the thread no longer, and succeeds once the lock is let go', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'partner-ledger-lease-'));
    const file = join(dir, 'events.db');
    const events = new SqliteEventStore(file);
    const store = new SqliteLeaseStore(file);
    const other = new Database(file);
    try {
      const record = { holder: 'a', ttlMs: TTL, expiresAt: '', checkpoint: 5 };
      await store.write('policies', record, -1);
      other.exec('BEGIN IMMEDIATE');
      const started = performance.now();
      await expect(store.write('policies', record, 0)).rejects.toThrow(/database is locked/);
      expect(performance.now() - started).toBeLessThan(1000);
      other.exec('COMMIT');
      await expect(store.write('policies', record, 0)).resolves.toBe(1);
    } finally {
      other.close();
      await store.close();
      await events.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the lease on EventStoreDB stays out of $all as the product reads it', () => {
  it('lease events move neither the head nor what readAll returns', async () => {
    const double = await EsdbDouble.start({ batchAppend: true });
    const store = new EsdbEventStore(double.url);
    try {
      await store.append('invitation-1', [newEvent('InvitationCreated', {})], 'no_stream');
      const head = await store.headPosition();
      const lease = new Lease(new EventStoreLeaseStore(store), 'policies', { ttlMs: TTL });
      await lease.start({ checkpoint: () => 0, onAcquired: () => undefined });
      await sleep(TTL);
      await lease.stop();
      expect(
        double.log.all().filter((event) => event.streamId === 'lease-policies').length,
      ).toBeGreaterThan(1);
      expect(await store.headPosition()).toBe(head);
      expect((await store.readAll({ after: 0, maxCount: 100 })).map((event) => event.type)).toEqual(
        ['InvitationCreated'],
      );
    } finally {
      await store.close();
      await double.stop();
    }
  });
});
