import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customersProjection } from '../../../projections/delegated-admin/customers.projection';
import { PROJECTIONS } from '../../../src/capabilities';
import { Checkpoints } from '../../../src/platform/projection-engine/checkpoints';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { customersNext, PROJECTIONS_NEXT } from '../../support/customers-next-version';
import { EVENT_STORES, type OpenedStore } from '../../support/event-stores';
import { gatedStore } from '../../support/gated-store';
import { dumpReadModels } from '../../support/read-model-dump';
import { writeStory } from '../../support/story';

const FIRST = 20;

describe.each(EVENT_STORES)(
  'a version bump that declares its previous version, on %s',
  (_label, openStore) => {
    let dir: string;
    let opened: OpenedStore;
    const readStores: ReadStore[] = [];
    const engines: ProjectionEngine[] = [];

    const readStore = (name: string) => {
      const created = new ReadStore(join(dir, name));
      readStores.push(created);
      return created;
    };
    const engine = (...args: ConstructorParameters<typeof ProjectionEngine>) => {
      const created = new ProjectionEngine(...args);
      engines.push(created);
      return created;
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'keep-up-'));
      opened = await openStore(dir);
      await writeStory(opened.store, FIRST);
    });

    afterAll(async () => {
      for (const created of engines) await created.stop();
      readStores.forEach((created) => created.close());
      await opened.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the previous version keeps up while mutations run (read-your-writes, no previousVersions note, none refused, none half-built), then the switch', async () => {
      const { store } = opened;
      const reads = readStore('read-models.db');
      await engine(store, reads, PROJECTIONS).catchUp();

      // The new version's build reads its pages through a gate up to the head it starts from;
      // the live pump, reading after that head, passes.
      const headAtBump = await store.headPosition();
      const gate = gatedStore(store, ({ after = 0 }) => after < headAtBump);
      const next = engine(gate.store, readStore('read-models.db'), PROJECTIONS_NEXT, {
        batchSize: 5,
      });
      const switched = new Promise<void>((resolve) =>
        next.onBuildProgress((progress) => {
          if (progress.phase === 'switched') resolve();
        }),
      );
      await next.start();

      // Queries read on their own connection, as the server's request thread does.
      const queries = readStore('read-models.db');
      const serving = new Checkpoints(queries, { projections: PROJECTIONS_NEXT });
      const query = async (customers: number): Promise<'old' | 'new'> => {
        const previousVersions = await serving.untilServing(['customers'], 0, () =>
          Promise.resolve(),
        );
        expect(previousVersions).toEqual([]);
        const names = queries
          .all<{ customer_name: string }>('SELECT customer_name FROM customers')
          .map((row) => row.customer_name);
        expect(names).toHaveLength(customers);
        const upper = names.filter((name) => name === name.toUpperCase()).length;
        expect([0, customers]).toContain(upper);
        return upper === 0 ? 'old' : 'new';
      };

      const answers: string[] = [];
      let customers = FIRST;
      for (let round = 0; round < 5; round++) {
        gate.pass(2);
        await gate.waiting();
        await writeStory(store, 2, 3, customers);
        customers += 2;
        // Read-your-writes: the previous version applied the new events.
        await next.waitFor(await store.headPosition(), 5000, ['customers']);
        answers.push(await query(customers));
        const status = (await next.status()).find((row) => row.name === 'customers')!;
        expect(status).toMatchObject({
          version: customersProjection.version,
          status: 'LIVE',
          lag: 0,
          build: { version: customersNext.version, state: 'BUILDING', liveKeptUp: true },
        });
        expect(status.build!.lag).toBeGreaterThan(0);
      }
      expect(answers).toEqual(['old', 'old', 'old', 'old', 'old']);

      gate.open();
      await switched;
      expect(await query(customers)).toBe('new');
      await writeStory(store, 1, 3, customers);
      customers += 1;
      await next.waitFor(await store.headPosition(), 5000, ['customers']);
      expect(await query(customers)).toBe('new');
      expect((await next.status()).find((row) => row.name === 'customers')).toMatchObject({
        version: customersNext.version,
        status: 'LIVE',
        lag: 0,
      });
      expect(reads.get('SELECT COUNT(*) AS n FROM projection_builds')).toEqual({ n: 0 });

      const clean = readStore('clean.db');
      await engine(store, clean, PROJECTIONS_NEXT).catchUp();
      expect(dumpReadModels(reads, PROJECTIONS_NEXT)).toEqual(
        dumpReadModels(clean, PROJECTIONS_NEXT),
      );
    });

    it('the live versions keep up between the batches of a build in the same engine: a write is visible before the build ends', async () => {
      const { store } = opened;
      const reads = readStore('same-engine.db');
      const live = engine(store, reads, PROJECTIONS, { batchSize: 2 });
      await live.start();
      const rebuilt = live.rebuild();
      const before = reads.get<{ n: number }>('SELECT COUNT(*) AS n FROM customers')!.n;
      await writeStory(store, 1, 3, 500);
      await live.waitFor(await store.headPosition(), 5000, ['customers']);
      expect(reads.get('SELECT COUNT(*) AS n FROM customers')).toEqual({ n: before + 1 });
      expect((await live.status()).filter((status) => status.build).length).toBeGreaterThan(0);
      await rebuilt;
    });

    it('a previous version that is not an earlier version of the same projection is refused at once', () => {
      const wrong = { ...customersNext, previous: { ...customersProjection, name: 'users' } };
      expect(() => engine(opened.store, readStore('wrong.db'), [wrong])).toThrow(
        `Projection customers v${customersNext.version} declares as previous users v${customersProjection.version}: it must be the same projection at a lower version`,
      );
    });
  },
);
