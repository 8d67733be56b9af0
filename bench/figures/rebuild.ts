import Database from 'better-sqlite3';
import { join } from 'node:path';
import { CAPABILITIES_MODULE, PROJECTIONS } from '../../src/capabilities';
import { loadSettings } from '../../src/platform/config/settings';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { ParallelReplay } from '../../src/platform/projection-engine/parallel-replay';
import { ProjectionEngine } from '../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../src/platform/read-store/read-store';
import { populationFile } from '../lib/fixtures';
import type { BenchOptions } from '../lib/options';
import { buildFigure, type Figure, type Sample } from '../lib/report';
import { alternate, inScratchDir } from '../lib/scratch';
import { nowMs } from '../lib/stats';

const PAGE = 1000;

async function productRebuild(eventsFile: string, readFile: string): Promise<Sample> {
  const store = new SqliteEventStore(eventsFile);
  const readStore = new ReadStore(readFile);
  try {
    // As `projections rebuild --in-place` does (PROJECTION_PARALLEL_REPLAY).
    const parallel = loadSettings().PROJECTION_PARALLEL_REPLAY === 'on';
    const engine = new ProjectionEngine(store, readStore, PROJECTIONS, {
      parallelReplay: parallel
        ? new ParallelReplay({ eventsFile, projectionsModule: CAPABILITIES_MODULE })
        : undefined,
    });
    const { events, seconds } = await engine.rebuild();
    return { value: events / seconds, details: { events, seconds } };
  } finally {
    readStore.close();
    await store.close();
  }
}

/** The floor: read every event in order, parse it, upsert one row per stream, 1,000 per transaction. */
function rawReplay(eventsFile: string, readFile: string): Sample {
  const events = new Database(eventsFile, { readonly: true });
  const out = new Database(readFile);
  out.pragma('journal_mode = WAL');
  out.pragma('synchronous = NORMAL');
  out.exec(`CREATE TABLE streams (
    stream_id TEXT PRIMARY KEY, type TEXT NOT NULL, position INTEGER NOT NULL,
    occurred_at TEXT NOT NULL, events INTEGER NOT NULL)`);
  const page = events.prepare<
    [number, number],
    { position: number; stream_id: string; type: string; data: string; metadata: string }
  >(
    'SELECT position, id, stream_id, revision, type, data, metadata, created FROM events WHERE position > ? ORDER BY position LIMIT ?',
  );
  const upsert = out.prepare(
    `INSERT INTO streams (stream_id, type, position, occurred_at, events) VALUES (?, ?, ?, ?, 1)
     ON CONFLICT (stream_id) DO UPDATE SET type = excluded.type, position = excluded.position,
       occurred_at = excluded.occurred_at, events = events + 1`,
  );
  const apply = out.transaction(
    (
      rows: { position: number; stream_id: string; type: string; data: string; metadata: string }[],
    ) => {
      for (const row of rows) {
        JSON.parse(row.data);
        const metadata = JSON.parse(row.metadata) as { occurredAt: string };
        upsert.run(row.stream_id, row.type, row.position, metadata.occurredAt);
      }
    },
  );
  const started = nowMs();
  let after = 0;
  let count = 0;
  for (;;) {
    const rows = page.all(after, PAGE);
    if (rows.length === 0) break;
    apply(rows);
    after = rows[rows.length - 1].position;
    count += rows.length;
  }
  const seconds = (nowMs() - started) / 1000;
  events.close();
  out.close();
  return { value: count / seconds, details: { events: count, seconds } };
}

/** Figure 3: replaying a large realistic history through every projection. */
export async function rebuildFigures(options: BenchOptions): Promise<Figure[]> {
  const { events, runs } = options.sizes.rebuild;
  return inScratchDir(async (dir) => {
    const eventsFile = join(dir, 'events.db');
    options.log(`  generating ${events.toLocaleString('en-US')} events (cached between runs)`);
    populationFile(eventsFile, events, options.seed);
    let run = 0;
    const fresh = (name: string) => join(dir, `${name}-${run++}.db`);
    options.log(`  rebuilding all ${PROJECTIONS.length} projections × ${runs} runs`);
    const samples = await alternate(
      runs,
      () => productRebuild(eventsFile, fresh('read-models')),
      () => Promise.resolve(rawReplay(eventsFile, fresh('raw'))),
    );
    return [
      buildFigure(
        {
          id: 'rebuild.all',
          figure: 3,
          title: `rebuild ${events.toLocaleString('en-US')} events, all projections`,
          workload: `a generated population (partners, customers, invitations, acceptances, DAP grants and removals, service requests) replayed into ${PROJECTIONS.map((p) => p.name).join(', ')}`,
          unit: 'events/s',
          limitLabel:
            'raw replay of the same events (read in pages of 1,000, JSON.parse) into one upserted table, 1,000 per transaction',
          targets: (figure) => [
            { text: '≥ 100,000 events/s', met: figure.product.median >= 100_000 },
            { text: 'ratio ≥ 0.6', met: figure.ratio >= 0.6 },
            { text: 'ratio ≥ 0.45 at 1,000,000 events (issue 17)', met: figure.ratio >= 0.45 },
          ],
        },
        samples.product,
        samples.limit,
      ),
    ];
  });
}
