import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../../src/platform/config/settings';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { IdempotencyKeys } from '../../../src/platform/graphql/idempotency/idempotency-keys';
import { FaultMonitor } from '../../../src/platform/health/fault-monitor';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';

describe('FaultMonitor: the files the server has open', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-fault-monitor-'));
  const settings = loadSettings({ DATA_DIR: dataDir, AUTH_SECRET: 'x'.repeat(32) });
  const store = new SqliteEventStore(join(dataDir, 'events.db'));
  const readStore = new ReadStore(join(dataDir, 'read-models.db'));
  const keys = new IdempotencyKeys(join(dataDir, 'idempotency.db'), 60_000);
  afterAll(async () => {
    readStore.close();
    keys.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('knows read-models.db as the read store opened it: one replaced before the monitor was made is FILE_LOST', async () => {
    const file = join(dataDir, 'read-models.db');
    writeFileSync(`${file}.other`, '');
    renameSync(`${file}.other`, file);

    const monitor = new FaultMonitor(
      store,
      readStore,
      new ProjectionEngine(store, readStore, []),
      settings,
      keys,
    );
    const { problems } = await monitor.report();
    expect(problems).toContainEqual({
      check: 'files',
      cause: 'FILE_LOST',
      detail: `${file} was replaced by another file while the server had it open`,
    });
  });
});
