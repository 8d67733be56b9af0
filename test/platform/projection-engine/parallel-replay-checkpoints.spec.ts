import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointElsewhere } from '../../../src/platform/projection-engine/parallel-replay-checkpoints';
import { ReadStore } from '../../../src/platform/read-store/read-store';

describe("a parallel replay's write-ahead log checkpointed from a thread of its own", () => {
  let dir: string;
  let readStore: ReadStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'replay-checkpoints-'));
    readStore = new ReadStore(join(dir, 'read-models.db'));
    readStore.db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    readStore.db.pragma('wal_checkpoint(TRUNCATE)');
  });

  afterEach(() => {
    readStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** About 2 MB: 500 pages, under SQLite's automatic checkpoint (1,000 pages) on its own. */
  const writeRows = () =>
    readStore.transaction(() => {
      for (let id = 1; id <= 2000; id++)
        readStore.run('INSERT INTO rows (id, body) VALUES (?, ?)', [id, 'x'.repeat(1000)]);
    });
  const fileSize = () => statSync(readStore.file).size;
  const logSize = () => statSync(`${readStore.file}-wal`).size;
  /** This thread busy (not waiting) for `ms`, as a replay reading its next page of events. */
  const busyFor = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
  };

  async function until(condition: () => boolean, timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return condition();
  }

  it('copies what the replay commits into the file while the replaying connection checkpoints none, then gives the checkpoints back', async () => {
    const before = fileSize();
    const checkpointer = checkpointElsewhere(readStore, { intervalMs: 10 });
    expect(readStore.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);

    writeRows();
    expect(await until(() => fileSize() > before + 1_500_000)).toBe(true);

    await checkpointer.stop();
    expect(readStore.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(readStore.get<{ n: number }>('SELECT COUNT(*) AS n FROM rows')?.n).toBe(2000);
  });

  it('has the log start over while a replay that never pauses keeps writing, so it stays bounded', async () => {
    const before = fileSize();
    const checkpointer = checkpointElsewhere(readStore, { intervalMs: 5, restartFromFrames: 256 });
    readStore.run('INSERT INTO rows (id, body) VALUES (0, ?)', ['x'.repeat(100_000)]);
    expect(await until(() => fileSize() > before)).toBe(true);
    // About 60 MB of log in 5,000 one-row transactions, each followed by the next 0.2 ms later (the
    // replay reading its next page): too soon for a PASSIVE checkpoint to copy the whole log.
    let largest = 0;
    for (let id = 1; id <= 5000; id++) {
      readStore.run('INSERT INTO rows (id, body) VALUES (?, ?)', [id, 'x'.repeat(4000)]);
      busyFor(0.2);
      if (id % 100 === 0) largest = Math.max(largest, logSize());
    }
    await checkpointer.stop();
    expect(largest).toBeLessThan(16_000_000);
    expect(readStore.get<{ n: number }>('SELECT COUNT(*) AS n FROM rows')?.n).toBe(5001);
  });

  it('leaves an empty log once stopped, where a running server would keep what it grew to', async () => {
    const checkpointer = checkpointElsewhere(readStore, { intervalMs: 10 });
    writeRows();
    expect(logSize()).toBeGreaterThan(1_500_000);
    await checkpointer.stop();

    expect(logSize()).toBe(0);
    expect(readStore.get<{ n: number }>('SELECT COUNT(*) AS n FROM rows')?.n).toBe(2000);
  });

  it('leaves the log to the replaying connection, without a checkpointer, under the automatic threshold', async () => {
    const before = fileSize();
    writeRows();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fileSize()).toBe(before);
  });
});
