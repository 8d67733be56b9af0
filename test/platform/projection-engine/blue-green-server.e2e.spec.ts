import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subscriptionsProjection } from '../../../projections/azure-subscriptions/subscriptions.projection';
import { PROJECTIONS } from '../../../src/capabilities';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { removeDataDir } from '../../support/app';
import { spawnServer } from '../../support/server-process';
import { writeSubscriptions } from '../../support/subscription-events';

/** A DATA_DIR as the release before subscriptions v4 left it: its v3 live and caught up. */
async function dataDirOfPreviousRelease(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-upgrade-'));
  const events = new SqliteEventStore(join(dataDir, 'events.db'));
  const reads = new ReadStore(join(dataDir, 'read-models.db'));
  try {
    await writeSubscriptions(events);
    const previousRelease = PROJECTIONS.map((projection) =>
      projection.name === 'subscriptions' ? subscriptionsProjection.previous! : projection,
    );
    await new ProjectionEngine(events, reads, previousRelease).catchUp();
  } finally {
    reads.close();
    await events.close();
  }
  return dataDir;
}

// Probe finding: an upgrade's build went live without a word in the log.
describe('an upgrade start says in its log when a version built beside the live one goes live', () => {
  it.each(['worker', 'main'])('with the projections in the %s thread', async (thread) => {
    const dataDir = await dataDirOfPreviousRelease();
    const server = spawnServer(dataDir, { PROJECTION_THREAD: thread });
    try {
      await server.waitForOutput(
        `read model subscriptions version ${subscriptionsProjection.version} is live: built beside the previous one, switched at position`,
      );
    } finally {
      await server.stop();
      removeDataDir(dataDir);
    }
    const line = server
      .stdout()
      .split('\n')
      .find((text) => text.includes('read model subscriptions version'));
    expect(JSON.parse(line!)).toMatchObject({ level: 30, context: 'Projections' });
  });
});
