import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditProjection } from '../../../projections/audit/audit.projection';
import { verifyAudit } from '../../../src/audit/audit-verify';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import type { Projection } from '../../../src/platform/projection-engine/projection';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { dumpReadModels } from '../../support/read-model-dump';
import { writeStory } from '../../support/story';

/**
 * The chain's head is kept in memory within a batch and read from the table at each batch's start:
 * however the events are cut into batches (or a batch is rolled back), the log is the same.
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
    const makeBatch = auditProjection.everyEventOfBatch;
    if (!makeBatch) throw new Error('the audit projection keeps its chain per batch');
    // The audit log itself fails once, mid-batch, after chaining half the batch in memory: the
    // engine rolls the batch back and applies it again event by event.
    const failingOnce: Projection = {
      ...auditProjection,
      everyEventOfBatch: () => {
        const batch = makeBatch();
        return {
          event: (event, db) => {
            batch.event(event, db);
            if (event.position === middle && !failed) {
              failed = true;
              throw new Error('once');
            }
          },
        };
      },
    };
    const reads = await project('rolled-back', 10_000, [failingOnce]);
    expect(failed).toBe(true);
    expect(dumpReadModels(reads, [auditProjection])).toEqual(
      dumpReadModels(await project('clean', 10_000, [auditProjection]), [auditProjection]),
    );
    expect((await verifyAudit(store, reads)).problems).toEqual([]);
  });
});
