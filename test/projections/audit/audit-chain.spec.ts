import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditProjection } from '../../../projections/audit/audit.projection';
import { visitTenantNames } from '../../../projections/audit/audit-entry';
import { verifyAudit } from '../../../src/audit/audit-verify';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import type {
  Projection,
  ProjectionHandler,
  RecordedEvent,
  SqlRunner,
} from '../../../src/platform/projection-engine/projection';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { dumpReadModels } from '../../support/read-model-dump';
import { writeStory } from '../../support/story';

/**
 * The chain's head is kept in memory within a batch and read from the table at each batch's start:
 * however the events are cut into batches (or a batch is rolled back), the log is the same. The
 * tenant names are kept from one batch to the next only while the file ends where they were learnt.
 */
describe('audit projection: the hash chain across batches (R41)', () => {
  let dir: string;
  let store: SqliteEventStore;
  const opened: ReadStore[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-chain-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    await writeStory(store, 9);
  });

  afterAll(async () => {
    opened.forEach((reads) => reads.close());
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function project(name: string, batchSize: number, projections: Projection[]) {
    const reads = new ReadStore(join(dir, `${name}.db`));
    opened.push(reads);
    await new ProjectionEngine(store, reads, projections, { batchSize }).catchUp();
    return reads;
  }

  /** The audit projection with every event of its batches passed through `around` first. */
  function auditAround(
    around: (event: RecordedEvent, db: SqlRunner, apply: ProjectionHandler) => void,
  ): Projection {
    const makeBatch = auditProjection.everyEventOfBatch;
    if (!makeBatch) throw new Error('the audit projection keeps its chain per batch');
    return {
      ...auditProjection,
      everyEventOfBatch: () => {
        const batch = makeBatch();
        return { event: (event, db) => around(event, db, batch.event), end: batch.end };
      },
    };
  }

  /** The log `reads` holds is the one a clean replay in batches of `batchSize` writes, and verifies. */
  async function expectCleanLog(reads: ReadStore, batchSize: number) {
    const clean = await project(`clean-${batchSize}`, batchSize, [auditProjection]);
    expect(dumpReadModels(reads, [auditProjection])).toEqual(
      dumpReadModels(clean, [auditProjection]),
    );
    expect((await verifyAudit(store, reads)).problems).toEqual([]);
  }

  it('R41: one event per batch, a few per batch and all in one batch chain alike, and verify', async () => {
    const one = await project('one', 1, [auditProjection]);
    const dump = dumpReadModels(one, [auditProjection]);
    expect(dump.audit_log).toHaveLength(await store.headPosition());
    for (const batchSize of [4, 10_000]) {
      const reads = await project(`batch-${batchSize}`, batchSize, [auditProjection]);
      expect(dumpReadModels(reads, [auditProjection])).toEqual(dump);
      expect((await verifyAudit(store, reads)).problems).toEqual([]);
    }
  });

  it('R41: a batch rolled back mid-way leaves no remembered hash behind', async () => {
    const middle = Math.ceil((await store.headPosition()) / 2);
    let failed = false;
    // The audit log itself fails once, mid-batch, after chaining half the batch in memory: the
    // engine rolls the batch back and applies it again event by event.
    const failingOnce = auditAround((event, db, apply) => {
      apply(event, db);
      if (event.position === middle && !failed) {
        failed = true;
        throw new Error('once');
      }
    });
    const reads = await project('rolled-back', 10_000, [failingOnce]);
    expect(failed).toBe(true);
    await expectCleanLog(reads, 10_000);
  });
  it('R41: names learnt by an entry whose row was never written are read again from the file', async () => {
    // The first event after the first that teaches a name not known before it.
    const known = new Set<string>();
    let teaching: number | undefined;
    for (const event of await store.readAll({ after: 0, maxCount: 1_000 })) {
      const names: string[] = [];
      visitTenantNames(event, (tenantId, name) => names.push(`${tenantId}=${name}`));
      if (event.position > 1 && names.some((name) => !known.has(name))) {
        teaching = event.position;
        break;
      }
      names.forEach((name) => known.add(name));
    }
    if (teaching === undefined) throw new Error('the story teaches every name in its first event');
    // The entry's row fails once, after its names were learnt (and stored): one event per batch,
    // the batch before it committed, that batch alone is rolled back and applied again. One runner
    // for every batch, as the engine passes one read store (the names are kept per runner).
    let failed = false;
    let current = 0;
    let runner: SqlRunner | undefined;
    const failingRowOnce = (db: SqlRunner): SqlRunner =>
      (runner ??= {
        get: (sql, params) => db.get(sql, params),
        all: (sql, params) => db.all(sql, params),
        run: (sql, params) => {
          if (current === teaching && !failed && sql.startsWith('INSERT INTO audit_log')) {
            failed = true;
            throw new Error('once');
          }
          db.run(sql, params);
        },
      });
    const failingOnce = auditAround((event, db, apply) => {
      current = event.position;
      apply(event, failingRowOnce(db));
    });
    const reads = await project('row-failed', 1, [failingOnce]);
    expect(failed).toBe(true);
    await expectCleanLog(reads, 1);
  });
});
