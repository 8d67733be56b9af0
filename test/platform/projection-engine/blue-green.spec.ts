import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditQueries } from '../../../projections/audit/audit.queries';
import { subscriptionsProjection } from '../../../projections/azure-subscriptions/subscriptions.projection';
import { SubscriptionsQueries } from '../../../projections/azure-subscriptions/subscriptions.queries';
import { customersProjection } from '../../../projections/delegated-admin/customers.projection';
import { customersHistoryProjection } from '../../../projections/delegated-admin/customers-history.projection';
import { CustomersHistoryQueries } from '../../../projections/delegated-admin/customers-history.queries';
import { CustomersQueries } from '../../../projections/delegated-admin/customers.queries';
import { resellerActive } from '../../../projections/delegated-admin/relationship-row';
import { customerCriteria } from '../../../src/delegated-admin/domain/customer-search';
import { PROJECTIONS } from '../../../src/capabilities';
import { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store';
import { BuildLockedError } from '../../../src/platform/projection-engine/builds';
import { buildNames } from '../../../src/platform/projection-engine/build-names';
import { Checkpoints } from '../../../src/platform/projection-engine/checkpoints';
import type { Projection } from '../../../src/platform/projection-engine/projection';
import { ProjectionEngine } from '../../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { customersUpperCased } from '../../support/customers-next-version';
import { gatedStore } from '../../support/gated-store';
import {
  FINANCE_MEMBER,
  FINANCE_SUBSCRIPTION,
  SUBSCRIBED_CUSTOMERS,
  writeSubscriptions,
} from '../../support/subscription-events';
import { dumpReadModels } from '../../support/read-model-dump';
import { writeStory } from '../../support/story';
import { scratchReadStores } from '../../support/scratch-read-stores';

/** customers at the next version, declaring no previous: the live one is served as left. */
const customersV2 = customersUpperCased;
const bumped = PROJECTIONS.map((projection) =>
  projection.name === 'customers' ? customersV2 : projection,
);

describe('blue/green projection versions on real SQLite files', () => {
  let dir: string;
  let store: SqliteEventStore;
  const readStores = scratchReadStores(() => dir);
  const engines: ProjectionEngine[] = [];

  const readStore = readStores.open;
  const engine = (...args: ConstructorParameters<typeof ProjectionEngine>) => {
    const created = new ProjectionEngine(...args);
    engines.push(created);
    return created;
  };
  const tablesWithSuffix = (reads: ReadStore) =>
    reads
      .all<{ name: string }>(`SELECT name FROM sqlite_master WHERE name GLOB '*__v[0-9]*_*'`)
      .map((row) => row.name)
      .filter((name) => !name.startsWith('sqlite_') && !/_by_|_page/.test(name));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'blue-green-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
    await writeStory(store, 30);
  });

  afterAll(async () => {
    for (const created of engines) await created.stop();
    readStores.closeAll();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renames only names, never string literals or longer names', () => {
    const names = buildNames(customersProjection, '__v9_x');
    expect(
      names.sql(
        "SELECT * FROM customers JOIN customers_history h WHERE note = 'customers' AND customers.active",
      ),
    ).toBe(
      "SELECT * FROM customers__v9_x JOIN customers_history h WHERE note = 'customers' AND customers__v9_x.active",
    );
    expect(names.sql(customersProjection.queryIndexes![0])).toContain(
      'customers_page_by_name__v9_x ON customers__v9_x (',
    );
  });

  it('no column of a projection is named like one of its tables (the renaming relies on it)', async () => {
    const reads = readStore('columns.db');
    await engine(store, reads, PROJECTIONS).catchUp();
    for (const projection of PROJECTIONS) {
      const columns = projection.tables.flatMap((table) =>
        reads
          .all<{ name: string }>('SELECT name FROM pragma_table_info(?)', [table])
          .map((column) => column.name),
      );
      expect(columns.filter((column) => projection.tables.includes(column))).toEqual([]);
    }
  });

  it('a version bump is built beside the live one while queries run: none refused, none answered from a half-built version', async () => {
    const reads = readStore('bump.db');
    await engine(store, reads, PROJECTIONS).catchUp();
    const before = reads.all<{ customer_name: string }>('SELECT customer_name FROM customers');
    expect(before).toHaveLength(30);

    const gate = gatedStore(store);
    const builder = engine(gate.store, readStore('bump.db'), bumped, { batchSize: 5 });
    const building = builder.catchUp();
    // Queries read on their own connection, as the server's request thread does.
    const queries = readStore('bump.db');
    const serving = new Checkpoints(queries, { projections: bumped });
    const answers: string[] = [];
    let sawBuild = false;
    const query = async () => {
      const previous = await serving.untilServing(['customers'], 0, () => Promise.resolve());
      const names = queries
        .all<{ customer_name: string }>('SELECT customer_name FROM customers')
        .map((row) => row.customer_name);
      expect(names).toHaveLength(30);
      const upper = names.filter((name) => name === name.toUpperCase()).length;
      expect([0, 30]).toContain(upper);
      answers.push(upper === 0 ? 'old' : 'new');
      // Served as the previous version left it until the switch, and said so.
      expect(previous.map(({ readModel, version }) => ({ readModel, version }))).toEqual(
        upper === 0 ? [{ readModel: 'customers', version: customersProjection.version }] : [],
      );
    };
    for (let pause = 0; pause < 40; pause++) {
      gate.pass(1);
      await Promise.race([gate.waiting(), building]);
      await query();
      const status = (await builder.status()).find((row) => row.name === 'customers')!;
      if (status.build) {
        sawBuild = true;
        expect(status).toMatchObject({
          version: customersProjection.version,
          status: 'LIVE',
          build: {
            version: customersV2.version,
            state: expect.stringMatching(/BUILDING|SWITCHING/),
            liveKeptUp: false,
          },
        });
        expect(status.build.progress).toBeGreaterThanOrEqual(0);
        expect(status.build.progress).toBeLessThanOrEqual(1);
      }
    }
    gate.open();
    await building;
    await query();
    expect(sawBuild).toBe(true);
    expect(answers).toContain('old');
    expect(answers[answers.length - 1]).toBe('new');
    expect(answers.slice(answers.indexOf('new'))).not.toContain('old');
    expect((await builder.status()).find((row) => row.name === 'customers')).toMatchObject({
      version: customersV2.version,
      status: 'LIVE',
      lag: 0,
    });
    expect(tablesWithSuffix(reads)).toEqual([]);
    expect(reads.get('SELECT COUNT(*) AS n FROM projection_builds')).toEqual({ n: 0 });
  });

  it('projections rebuild goes beside the live version, which keeps up with new events until the switch', async () => {
    const events = join(dir, 'writes.db');
    const writes = new SqliteEventStore(events);
    await writeStory(writes, 10);
    const reads = readStore('keeps-up.db');
    const live = engine(writes, reads, PROJECTIONS);
    await live.start();

    const gate = gatedStore(writes);
    const rebuilder = engine(gate.store, readStore('keeps-up.db'), PROJECTIONS, { batchSize: 5 });
    const rebuilt = rebuilder.rebuild(['customers', 'audit']);
    gate.pass(4);
    await gate.waiting();
    await writeStory(writes, 3, 3, 10);
    await live.waitFor(await writes.headPosition(), 5000);
    // Served all along by the live version, which applied the new events.
    expect(reads.get('SELECT COUNT(*) AS n FROM customers')).toEqual({ n: 13 });
    const during = (await live.status()).find((row) => row.name === 'customers')!;
    expect(during).toMatchObject({ status: 'LIVE', lag: 0, build: { state: 'BUILDING' } });
    expect(during.build!.lag).toBeGreaterThan(0);

    gate.open();
    await rebuilt;
    const clean = readStore('keeps-up-clean.db');
    await engine(writes, clean, PROJECTIONS).rebuild([], { inPlace: true });
    expect(dumpReadModels(reads, PROJECTIONS)).toEqual(dumpReadModels(clean, PROJECTIONS));
    expect((await live.status()).every((row) => row.status === 'LIVE' && !row.build)).toBe(true);
    await live.stop();
    await writes.close();
  });

  it('R41: after a rebuild beside the live version, whose indexes keep the build’s suffix, time-range audit pages answer as before', async () => {
    const reads = readStore('audit-time.db');
    const live = engine(store, reads, PROJECTIONS);
    await live.start();
    const audit = new AuditQueries(reads);
    const everything = { kind: 'everything' } as const;
    const all = audit.newestFirst(everything, {}, 500, null);
    const middle = new Date(all[Math.floor(all.length / 2)].occurred_at);
    const pages = () => [
      audit.newestFirst(everything, { to: middle }, 20, null),
      audit.newestFirst(everything, { from: middle }, 20, null),
      audit.oldestFirst(everything, { from: middle }, 20, 0),
    ];
    const before = pages();
    expect(before.map((page) => page.length)).toEqual([20, 20, 20]);

    await engine(store, readStore('audit-time.db'), PROJECTIONS).rebuild(['audit']);
    const indexes = reads
      .all<{ name: string }>(`SELECT name FROM sqlite_master WHERE name GLOB 'audit_by_time*'`)
      .map((row) => row.name);
    expect(indexes).toEqual([expect.stringMatching(/^audit_by_time__v\d+_/)]);
    expect(pages()).toEqual(before);
    await live.stop();
  });

  /**
   * Whether `next` records its live version readable while it builds beside it (`previous_readable`),
   * the live one built first by `live`; `during` runs on the read store while the build is held.
   */
  const readableMeanwhile = async (
    file: string,
    live: readonly Projection[],
    next: Projection,
    during: (reads: ReadStore) => void = () => undefined,
    events: SqliteEventStore = store,
  ) => {
    const reads = readStore(file);
    await engine(events, reads, live).catchUp();
    const gate = gatedStore(events);
    const builder = engine(gate.store, readStore(file), [next], { batchSize: 5 });
    const building = builder.catchUp();
    const build = () =>
      reads.get<{ previous_readable: number }>(
        'SELECT previous_readable FROM projection_builds WHERE name = ?',
        [next.name],
      );
    while (!build()) {
      gate.pass(1);
      await Promise.race([gate.waiting(), building]);
    }
    const readable = build()!.previous_readable;
    during(reads);
    gate.open();
    await building;
    return { reads, readable };
  };

  it('a version adding a table is readable meanwhile (built beside the live one) only if it declares the table added', async () => {
    const adding = (addedTables?: string[]): Projection => ({
      ...customersProjection,
      version: customersProjection.version + 1,
      tables: [...customersProjection.tables, 'customers_added'],
      schema: [
        ...customersProjection.schema,
        'CREATE TABLE IF NOT EXISTS customers_added (id TEXT)',
      ],
      previous: customersProjection,
      addedTables,
    });
    for (const [file, addedTables, readable] of [
      ['added-declared.db', ['customers_added'], 1],
      ['added-undeclared.db', undefined, 0],
    ] as const) {
      const built = await readableMeanwhile(
        file,
        PROJECTIONS,
        adding(addedTables && [...addedTables]),
      );
      expect(built.readable).toBe(readable);
      expect(built.reads.get('SELECT COUNT(*) AS n FROM customers_added')).toEqual({ n: 0 });
    }
  });

  // Version 3 of subscriptions added the assignments' customer, version 4 a customer group's id;
  // past pages ask for the first, a customer user's list for the second, and read an earlier
  // version as before without them. Undeclared, every query waited for the whole build.
  const version3 = subscriptionsProjection.previous!;
  it.each([
    [3, version3],
    [2, version3.previous!],
  ])(
    'R43, R20: subscriptions version 4 adds columns its queries do without: version %s serves, past pages the same and a group member’s list read, while 4 builds',
    async (version, serving) => {
      const events = new SqliteEventStore(join(dir, `subscription-events-${version}.db`));
      try {
        await writeSubscriptions(events);
        const live = PROJECTIONS.map((projection) =>
          projection.name === 'subscriptions' ? serving : projection,
        );
        const pastPages = (reads: ReadStore) =>
          ['contoso', 'northwind'].map((partner) =>
            new SubscriptionsQueries(reads).seenByPartner(
              partner,
              SUBSCRIBED_CUSTOMERS,
              new Date(),
            ),
          );
        const groupMembersList = (reads: ReadStore) =>
          new SubscriptionsQueries(reads)
            .pageOf('fabrikam', 50, undefined, FINANCE_MEMBER)
            .map((view) => view.subscriptionId);
        let meanwhile: ReturnType<typeof pastPages> = [];
        let listedMeanwhile: string[] | undefined;
        const declared = await readableMeanwhile(
          `columns-declared-${version}.db`,
          live,
          subscriptionsProjection,
          (reads) => {
            meanwhile = pastPages(reads);
            listedMeanwhile = groupMembersList(reads);
          },
          events,
        );
        expect(declared.readable).toBe(1);
        expect(meanwhile.flatMap((seen) => [...seen.values()].flat()).length).toBeGreaterThan(0);
        expect(meanwhile).toEqual(pastPages(declared.reads));
        // The earlier version has no group ids: its list is the user's own holdings (none here).
        expect(listedMeanwhile).toEqual([]);
        expect(groupMembersList(declared.reads)).toEqual([FINANCE_SUBSCRIPTION]);
        const undeclared = { ...subscriptionsProjection, addedColumns: undefined };
        const built = await readableMeanwhile(
          `columns-undeclared-${version}.db`,
          live,
          undeclared,
          undefined,
          events,
        );
        expect(built.readable).toBe(0);
      } finally {
        await events.close();
      }
    },
  );

  // customers v6 and customers-history v3 add the reseller relationship's own columns and GDAP's;
  // their queries read v5's and v2's rows as they were, `active` the reseller relationship's.
  it.each([
    ['customers', customersProjection],
    ['customers-history', customersHistoryProjection],
  ] as const)(
    'R16: %s adds columns and a table its queries do without: the previous version serves the pages while the next builds',
    async (name, next) => {
      const live = PROJECTIONS.map((projection) =>
        projection.name === name ? next.previous! : projection,
      );
      const pages = (reads: ReadStore) => {
        const customers = new CustomersQueries(reads);
        const past = new CustomersHistoryQueries(reads);
        const asOf = new Date();
        return ['partner-0', 'partner-1'].flatMap((partner) => {
          const criteria = customerCriteria(
            { partnerTenantId: partner, roles: [], groups: [] },
            {},
            asOf,
          );
          const page = customers.page(criteria, { sort: 'NAME', direction: 'ASC' }, 50, null);
          return [
            ...page.map((row) => `${partner} ${row.customer_tenant_id} ${resellerActive(row)}`),
            ...past.page(partner, 50, null, asOf).map((row) => `past ${row.customer_tenant_id}`),
            ...page
              .flatMap((row) => customers.partnersOf(row.customer_tenant_id))
              .map((row) => `of ${row.partner_tenant_id}`),
            ...page.map(
              (row) =>
                `related ${customers.relationship(partner, row.customer_tenant_id) !== undefined}`,
            ),
          ];
        });
      };
      let meanwhile: string[] = [];
      const built = await readableMeanwhile(`${name}-v-next.db`, live, next, (reads) => {
        meanwhile = pages(reads);
      });
      expect(built.readable).toBe(1);
      expect(meanwhile.length).toBeGreaterThan(10);
      expect(meanwhile).toEqual(pages(built.reads));
    },
  );

  // An instance of the previous release beside a newer one that switched the file: it waited 10 s
  // on every query, then said the read model was being rebuilt, for as long as it ran.
  it('a read model a newer release switched to a version this one cannot read is refused at once, saying so', async () => {
    const reads = readStore('newer-release.db');
    await engine(store, reads, PROJECTIONS).catchUp();
    reads.run("UPDATE projection_checkpoints SET version = version + 1 WHERE name = 'customers'");
    const older = engine(store, reads, PROJECTIONS);
    const started = Date.now();

    await expect(older.whenServing(['invitations', 'customers'], 5000)).rejects.toThrow(
      `The customers read model is at version ${customersProjection.version + 1}, newer than this server's version ${customersProjection.version}: a newer release of the product rebuilt it`,
    );

    expect(Date.now() - started).toBeLessThan(1000);
    await expect(older.whenServing(['invitations'], 5000)).resolves.toEqual([]);
  });

  it('tables a version retired are dropped when it goes live, built beside or rebuilt in place', async () => {
    const retiring = (version: number): Projection => ({
      ...customersProjection,
      version,
      retiredTables: ['customers_legacy'],
    });
    const legacyTables = (reads: ReadStore) =>
      reads.all(`SELECT name FROM sqlite_master WHERE name = 'customers_legacy'`);
    const reads = readStore('retired.db');
    await engine(store, reads, PROJECTIONS).catchUp();
    reads.db.exec('CREATE TABLE customers_legacy (tenant_id TEXT PRIMARY KEY)');

    const next = customersProjection.version + 1;
    await engine(store, readStore('retired.db'), [retiring(next)]).catchUp();
    expect(
      reads.get('SELECT version FROM projection_checkpoints WHERE name = ?', ['customers']),
    ).toEqual({
      version: next,
    });
    expect(legacyTables(reads)).toEqual([]);
    expect(reads.get('SELECT COUNT(*) AS n FROM customers')).toEqual({ n: 30 });

    reads.db.exec('CREATE TABLE customers_legacy (tenant_id TEXT PRIMARY KEY)');
    await engine(store, readStore('retired.db'), [retiring(next)]).rebuild([], { inPlace: true });
    expect(legacyTables(reads)).toEqual([]);
    expect(reads.get('SELECT COUNT(*) AS n FROM customers')).toEqual({ n: 30 });
  });

  it('a build stopped by a poison event (FAIL policy) leaves the live version serving; the next rebuild starts it again', async () => {
    const counted = (version: number, poisonAt?: number): Projection => ({
      name: 'counted',
      version,
      tables: ['counted'],
      schema: [
        'CREATE TABLE IF NOT EXISTS counted (position INTEGER PRIMARY KEY, version INTEGER)',
      ],
      handlers: {
        RelationshipEstablished: (event, db) => {
          if (event.position === poisonAt) throw new Error('cannot count this one');
          db.run('INSERT OR REPLACE INTO counted VALUES (?, ?)', [event.position, version]);
        },
      },
      deadLetterPolicy: 'FAIL',
    });
    const reads = readStore('poison.db');
    await engine(store, reads, [counted(1)]).catchUp();
    const established = reads.all<{ position: number }>('SELECT position FROM counted');
    expect(established).toHaveLength(30);

    const poisonAt = established[10].position;
    const next = engine(store, readStore('poison.db'), [counted(2, poisonAt)]);
    await next.catchUp();
    const [status] = await next.status();
    expect(status).toMatchObject({
      version: 1,
      status: 'LIVE',
      deadLetters: 0,
      build: {
        version: 2,
        state: 'FAILED',
        owner: null,
        checkpoint: poisonAt - 1,
        error: `RelationshipEstablished at position ${poisonAt}: cannot count this one`,
        deadLetters: 1,
      },
    });
    expect(reads.get('SELECT COUNT(*) AS n, MAX(version) AS v FROM counted')).toEqual({
      n: 30,
      v: 1,
    });
    await new Checkpoints(reads, { projections: [counted(2)] }).untilServing(['counted'], 0, () =>
      Promise.resolve(),
    );

    const fixed = engine(store, readStore('poison.db'), [counted(2)]);
    await fixed.rebuild(['counted']);
    const [after] = await fixed.status();
    expect(after).toMatchObject({ version: 2, status: 'LIVE', deadLetters: 0 });
    expect(after.build).toBeUndefined();
    expect(reads.get('SELECT COUNT(*) AS n, MIN(version) AS v FROM counted')).toEqual({
      n: 30,
      v: 2,
    });
    expect(tablesWithSuffix(reads)).toEqual([]);
  });

  it('two processes never build the same version at once: the second is refused, and takes over once the lock expires', async () => {
    const reads = readStore('lock.db');
    await engine(store, reads, PROJECTIONS).catchUp();
    const gate = gatedStore(store);
    const first = engine(gate.store, readStore('lock.db'), PROJECTIONS, {
      batchSize: 5,
      buildLeaseMs: 300,
    });
    const firstRebuild = first.rebuild(['customers']);
    gate.pass(3);
    await gate.waiting();
    const building = (await first.status()).find((row) => row.name === 'customers')!.build!;
    const owner = building.owner!;
    // The same version rebuilt beside itself: the live rows are kept up meanwhile, and it says so.
    expect(building).toMatchObject({ version: customersProjection.version, liveKeptUp: true });

    const second = engine(store, readStore('lock.db'), PROJECTIONS, { buildLeaseMs: 300 });
    const refused = second.rebuild(['customers']);
    await expect(refused).rejects.toThrow(BuildLockedError);
    await expect(refused).rejects.toThrow(`customers is being built by ${owner}`);
    const half = reads.get<{ position: number }>('SELECT position FROM projection_builds');
    expect(half!.position).toBeGreaterThan(0);
    // In place too: it would empty the live rows the build is to replace, and say it rebuilt them.
    const live = reads.get<{ position: number }>(
      "SELECT position FROM projection_checkpoints WHERE name = 'customers'",
    );
    const inPlace = second.rebuild(['customers'], { inPlace: true });
    await expect(inPlace).rejects.toThrow(`customers is being built by ${owner}`);
    expect(
      reads.get<{ position: number }>(
        "SELECT position FROM projection_checkpoints WHERE name = 'customers'",
      ),
    ).toEqual(live);

    // The first stops renewing its lock (stuck): once it expires the second resumes the build.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const taken = await second.rebuild(['customers']);
    expect(taken.events).toBeLessThan(await store.headPosition());
    gate.open();
    await firstRebuild;
    const clean = readStore('lock-clean.db');
    await engine(store, clean, PROJECTIONS).catchUp();
    expect(dumpReadModels(reads, PROJECTIONS)).toEqual(dumpReadModels(clean, PROJECTIONS));
    expect(reads.get('SELECT COUNT(*) AS n FROM projection_builds')).toEqual({ n: 0 });
  });

  it('a rebuild that went live succeeds though another process begins the next rebuild of it at once (not a takeover)', async () => {
    const reads = readStore('next-rebuild.db');
    await engine(store, reads, PROJECTIONS).catchUp();
    const first = engine(store, readStore('next-rebuild.db'), PROJECTIONS);
    // The second's build stays at its first page until the first has answered.
    const gate = gatedStore(store);
    const second = engine(gate.store, readStore('next-rebuild.db'), PROJECTIONS);
    let next: Promise<unknown> | undefined;
    first.onBuildProgress((progress) => {
      if (progress.phase === 'switched' && !next) next = second.rebuild(['customers']);
    });
    const { events } = await first.rebuild(['customers']);
    expect(events).toBe(await store.headPosition());
    expect(next).toBeDefined();
    gate.open();
    await next;
    expect(reads.get('SELECT COUNT(*) AS n FROM projection_builds')).toEqual({ n: 0 });
  });

  it('a rebuild of some read models in place (one FAILED) and the rest beside counts each event once', async () => {
    const reads = readStore('counted-once.db');
    await engine(store, reads, PROJECTIONS).catchUp();
    reads.run("UPDATE projection_checkpoints SET state = 'FAILED' WHERE name = 'audit'");
    const { events } = await engine(store, readStore('counted-once.db'), PROJECTIONS).rebuild();
    expect(events).toBe(await store.headPosition());
  });
});
