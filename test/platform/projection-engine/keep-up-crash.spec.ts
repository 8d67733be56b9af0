import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customersProjection } from '../../../projections/delegated-admin/customers.projection';
import { PROJECTIONS } from '../../../src/capabilities';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { customersNext, PROJECTIONS_NEXT } from '../../support/customers-next-version';
import { dumpReadModels } from '../../support/read-model-dump';
import { seeded } from '../../support/seeded';
import { writeStory } from '../../support/story';
import { scratchReadStores } from '../../support/scratch-read-stores';
import { SOURCE_LOADER } from '../../../src/platform/common/worker-file';

describe('a version bump kept up beside its previous version, killed (kill -9) while mutations run', () => {
  let dir: string;
  let store: SqliteEventStore;
  let base: ReadStore;
  const readStores = scratchReadStores(() => dir);

  const open = readStores.open;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keep-up-crash-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    await writeStory(store, 30);
    base = open('base.db');
    await new ProjectionEngine(store, base, PROJECTIONS).catchUp();
  });

  afterAll(async () => {
    readStores.closeAll();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every acknowledged write is served by the version live at the kill, and the next process resumes to the rows of a clean build (3 seeded points and the switch)', async () => {
    // Steps of the build with no writes meanwhile: batches, query indexes, the switch.
    base.db.exec(`VACUUM INTO '${join(dir, 'counted.db')}'`);
    const counting = new ProjectionEngine(store, open('counted.db'), PROJECTIONS_NEXT, {
      batchSize: 7,
    });
    let steps = 0;
    counting.onBuildProgress(() => (steps += 1));
    await counting.catchUp();
    expect(steps).toBeGreaterThan(5);
    let ackedWhileOldLive = 0;
    let killedAfterSwitch = 0;

    const random = seeded(42);
    for (let run = 0; run < 4; run++) {
      // Three seeded points of the build, then the switch itself (0).
      const killAt = run < 3 ? 1 + Math.floor(random() * steps) : 0;
      const file = `crashed-${run}.db`;
      base.db.exec(`VACUUM INTO '${join(dir, file)}'`);
      const child = spawnSync(
        process.execPath,
        [
          '-r',
          SOURCE_LOADER,
          join(__dirname, '../../support/keep-up-until-killed.ts'),
          join(dir, 'events.db'),
          join(dir, file),
          String(killAt),
          String(1000 + 100 * run),
        ],
        // A child that never reaches its kill (a build that never switches) fails the test.
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect({ killAt, signal: child.signal, stderr: child.stderr }).toMatchObject({
        signal: 'SIGKILL',
      });
      const acked = [...child.stdout.matchAll(/acked (\d+)/g)].map(
        (match) => `Customer ${match[1]}`,
      );

      const crashed = open(file);
      const live = crashed.get<{ version: number }>(
        "SELECT version FROM projection_checkpoints WHERE name = 'customers'",
      )!;
      expect([customersProjection.version, customersNext.version]).toContain(live.version);
      const names = crashed
        .all<{ customer_name: string }>('SELECT customer_name FROM customers')
        .map((row) => row.customer_name);
      // A complete version: the previous one's names as written, or the new one's upper-cased.
      const isNew = live.version === customersNext.version;
      expect(names.filter((name) => (name === name.toUpperCase()) !== isNew)).toEqual([]);
      // Read-your-writes held up to the kill: the live version showed every acknowledged write.
      const servedNames = new Set(names.map((name) => name.toLowerCase()));
      expect(acked.filter((name) => !servedNames.has(name.toLowerCase()))).toEqual([]);
      if (isNew) killedAfterSwitch += 1;
      else ackedWhileOldLive += acked.length;

      const resumed = new ProjectionEngine(store, crashed, PROJECTIONS_NEXT);
      await resumed.catchUp();
      const clean = open(`clean-${run}.db`);
      await new ProjectionEngine(store, clean, PROJECTIONS_NEXT).catchUp();
      expect(crashed.all('SELECT name FROM projection_builds')).toEqual([]);
      expect(dumpReadModels(crashed, PROJECTIONS_NEXT)).toEqual(
        dumpReadModels(clean, PROJECTIONS_NEXT),
      );
      expect((await resumed.status()).find((row) => row.name === 'customers')).toMatchObject({
        version: customersNext.version,
        status: 'LIVE',
        lag: 0,
      });
    }
    // The previous version was kept up through writes in at least one run, and one was killed
    // right after the switch.
    expect(ackedWhileOldLive).toBeGreaterThan(0);
    expect(killedAfterSwitch).toBe(1);
  });
});
