import Database from 'better-sqlite3';
import { join } from 'node:path';
import { PROJECTIONS } from '../../src/capabilities';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import type { Projection } from '../../src/platform/projection-engine/projection';
import { ProjectionEngine } from '../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../src/platform/read-store/read-store';
import { populationFile } from '../lib/fixtures';
import type { BenchOptions } from '../lib/options';
import { buildFigure, type Figure, type Sample } from '../lib/report';
import { alternate, inScratchDir } from '../lib/scratch';
import { nowMs } from '../lib/stats';

/** The engine's catch-up page: the raw replay commits as often as the product does. */
const BATCH = 5000;

interface TableRows {
  table: string;
  columns: string[];
  rows: unknown[][];
}

async function productRebuild(
  eventsFile: string,
  readFile: string,
  projection: Projection,
): Promise<Sample> {
  const store = new SqliteEventStore(eventsFile);
  const readStore = new ReadStore(readFile);
  try {
    const engine = new ProjectionEngine(store, readStore, [projection]);
    const { events, seconds } = await engine.rebuild();
    return { value: events / seconds, details: { events, seconds } };
  } finally {
    readStore.close();
    await store.close();
  }
}

/** The rows the product left in each of the projection's tables, in insertion order. */
function rowsOf(readFile: string, projection: Projection): TableRows[] {
  const db = new Database(readFile, { readonly: true });
  try {
    return projection.tables.map((table) => {
      const statement = db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).raw(true);
      return {
        table,
        columns: statement.columns().map((column) => column.name),
        rows: statement.all() as unknown[][],
      };
    });
  } finally {
    db.close();
  }
}

/**
 * The limit for one projection: the same events read in the engine's pages and parsed, and the
 * rows the projection ends with inserted into the same tables (its own DDL, its query indexes
 * built at the end as a rebuild does), spread evenly over the pages, one transaction per page.
 * Each row is written once, where the projection may upsert it many times: the floor for writing
 * those rows, not a replica of the handlers.
 */
function rawSameRows(
  eventsFile: string,
  readFile: string,
  projection: Projection,
  tables: TableRows[],
): Sample {
  const events = new Database(eventsFile, { readonly: true });
  const out = new Database(readFile);
  out.pragma('journal_mode = WAL');
  out.pragma('synchronous = NORMAL');
  projection.schema.forEach((ddl) => out.exec(ddl));
  const total = (events.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  const page = events.prepare<
    [number, number],
    { position: number; data: string; metadata: string }
  >(
    'SELECT position, id, stream_id, revision, type, data, metadata, created FROM events WHERE position > ? ORDER BY position LIMIT ?',
  );
  const inserts = tables.map((table) =>
    out.prepare(
      `INSERT INTO "${table.table}" (${table.columns.map((c) => `"${c}"`).join(', ')}) VALUES (${table.columns.map(() => '?').join(', ')})`,
    ),
  );
  const apply = out.transaction(
    (rows: { data: string; metadata: string }[], from: number, to: number) => {
      for (const row of rows) {
        JSON.parse(row.data);
        JSON.parse(row.metadata);
      }
      tables.forEach((table, index) => {
        const share = (n: number) => Math.floor((n * table.rows.length) / total);
        for (let i = share(from); i < share(to); i++) inserts[index].run(table.rows[i]);
      });
    },
  );
  const started = nowMs();
  let after = 0;
  let done = 0;
  for (;;) {
    const rows = page.all(after, BATCH);
    if (rows.length === 0) break;
    apply(rows, done, done + rows.length);
    after = rows[rows.length - 1].position;
    done += rows.length;
  }
  projection.queryIndexes?.forEach((ddl) => out.exec(ddl));
  const seconds = (nowMs() - started) / 1000;
  events.close();
  out.close();
  return { value: done / seconds, details: { events: done, seconds } };
}

/** Figure 3, per projection: each read model rebuilt alone against a raw replay writing its rows. */
export async function rebuildEachFigures(options: BenchOptions): Promise<Figure[]> {
  const { eachEvents: events, runs } = options.sizes.rebuild;
  return inScratchDir(async (dir) => {
    const eventsFile = join(dir, 'events.db');
    populationFile(eventsFile, events, options.seed);
    const figures: Figure[] = [];
    let run = 0;
    const fresh = (name: string) => join(dir, `${name}-${run++}.db`);
    for (const projection of PROJECTIONS) {
      options.log(`  rebuilding ${projection.name} alone × ${runs} runs`);
      let tables: TableRows[] | undefined;
      const samples = await alternate(
        runs,
        async () => {
          const file = fresh(projection.name);
          const sample = await productRebuild(eventsFile, file, projection);
          tables ??= rowsOf(file, projection);
          return sample;
        },
        () => Promise.resolve(rawSameRows(eventsFile, fresh('raw'), projection, tables ?? [])),
      );
      const rows = (tables ?? []).reduce((sum, table) => sum + table.rows.length, 0);
      figures.push(
        buildFigure(
          {
            id: `rebuild.each.${projection.name}`,
            figure: 3,
            title: `rebuild ${events.toLocaleString('en-US')} events, ${projection.name} alone (${rows.toLocaleString('en-US')} rows)`,
            workload: `the same generated population replayed into ${projection.name} only`,
            unit: 'events/s',
            limitLabel: `raw replay of the same events (pages of ${BATCH.toLocaleString('en-US')}, JSON.parse) inserting the rows ${projection.name} ends with into its own tables, one transaction per page`,
            targets: (figure) => [{ text: 'ratio ≥ 0.7', met: figure.ratio >= 0.7 }],
          },
          samples.product,
          samples.limit,
        ),
      );
    }
    return figures;
  });
}
