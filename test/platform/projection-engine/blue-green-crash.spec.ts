import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECTIONS } from '../../../src/capabilities';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { dumpReadModels } from '../../support/read-model-dump';
import { seeded } from '../../support/seeded';
import { writeStory } from '../../support/story';
import { SOURCE_LOADER } from '../../../src/platform/common/worker-file';

describe('a blue/green rebuild killed (kill -9) at random points', () => {
  let dir: string;
  let store: SqliteEventStore;
  let base: ReadStore;
  const opened: ReadStore[] = [];

  const copyOfBase = (name: string) => {
    base.db.exec(`VACUUM INTO '${join(dir, name)}'`);
    const copy = new ReadStore(join(dir, name));
    opened.push(copy);
    return copy;
  };
  const indexCount = (reads: ReadStore) =>
    reads.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`,
    )!.n;
  const suffixedTables = (reads: ReadStore) =>
    reads.all(`SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB '*__v[0-9]*'`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'blue-green-crash-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    await writeStory(store, 30);
    base = new ReadStore(join(dir, 'base.db'));
    opened.push(base);
    await new ProjectionEngine(store, base, PROJECTIONS).catchUp();
  });

  afterAll(async () => {
    opened.forEach((reads) => reads.close());
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves complete rows at every kill, and resumes to the same rows as a clean rebuild (5 seeded points)', async () => {
    const clean = copyOfBase('clean.db');
    const cleanEngine = new ProjectionEngine(store, clean, PROJECTIONS, { batchSize: 7 });
    let steps = 0;
    cleanEngine.onBuildProgress(() => (steps += 1));
    await cleanEngine.rebuild();
    const expected = dumpReadModels(clean, PROJECTIONS);
    expect(steps).toBeGreaterThan(2 * PROJECTIONS.length);

    const random = seeded(17);
    for (let run = 0; run < 5; run++) {
      const killAt = 1 + Math.floor(random() * steps);
      const file = `crashed-${run}.db`;
      copyOfBase(file).close();
      const child = spawnSync(
        process.execPath,
        [
          '-r',
          SOURCE_LOADER,
          join(__dirname, '../../support/blue-green-until-killed.ts'),
          join(dir, 'events.db'),
          join(dir, file),
          String(killAt),
        ],
        { encoding: 'utf8' },
      );
      expect({ killAt, signal: child.signal, stderr: child.stderr }).toMatchObject({
        signal: 'SIGKILL',
      });

      const crashed = new ReadStore(join(dir, file));
      opened.push(crashed);
      // Whatever the point, what is served is a complete version: the old or the new.
      expect(dumpReadModels(crashed, PROJECTIONS)).toEqual(expected);

      // The next process resumes the builds left (their owner is gone) and switches them.
      const resumed = new ProjectionEngine(store, crashed, PROJECTIONS);
      await resumed.catchUp();
      expect(crashed.all('SELECT name, state FROM projection_builds')).toEqual([]);
      expect(dumpReadModels(crashed, PROJECTIONS)).toEqual(expected);
      expect(suffixedTables(crashed)).toEqual([]);
      expect(indexCount(crashed)).toBe(indexCount(clean));
      expect((await resumed.status()).every((status) => status.status === 'LIVE')).toBe(true);
    }
  });
});
