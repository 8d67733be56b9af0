import Database from 'better-sqlite3';
import { join } from 'node:path';
import {
  type EventStore,
  type NewEvent,
  WrongExpectedRevisionError,
} from '../../src/platform/event-store/event-store';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import type { BenchOptions } from '../lib/options';
import { generatePopulation } from '../lib/population';
import { Random, Zipf } from '../lib/random';
import { buildFigure, type Figure, type Sample } from '../lib/report';
import { alternate, inScratchDir } from '../lib/scratch';
import { Latencies, nowMs } from '../lib/stats';
import type { WorldEvent } from '../lib/world';

type Synchronous = 'FULL' | 'NORMAL';

/** The same events to the same Zipf-chosen streams, for the product and the raw limit alike. */
interface Plan {
  events: NewEvent[];
  /** Pre-serialised, as the raw limit writes them. */
  data: string[];
  metadata: string[];
  streams: Int32Array;
  streamCount: number;
}

function plan(count: number, streamCount: number, seed: number): Plan {
  const templates: WorldEvent[] = [];
  generatePopulation({ seed, events: Math.min(count, 5_000) }, (event) => templates.push(event));
  const random = Random.for(seed, 'append-plan');
  const zipf = new Zipf(streamCount, random);
  const events = Array.from({ length: count }, (_, i) => {
    const template = templates[i % templates.length];
    return {
      id: random.uuid(),
      type: template.type,
      data: template.data,
      metadata: template.metadata,
    };
  });
  return {
    events,
    data: events.map((event) => JSON.stringify(event.data)),
    metadata: events.map((event) => JSON.stringify(event.metadata)),
    streams: Int32Array.from({ length: count }, () => zipf.next()),
    streamCount,
  };
}

const streamName = (index: number) => `bench-${index}`;

/** Follows `$all` page by page whenever the store says something was appended. */
function catchUpSubscriber(store: EventStore): { stop(): Promise<number> } {
  let position = 0;
  let running: Promise<void> | undefined;
  let again = false;
  const drain = async () => {
    do {
      again = false;
      for (;;) {
        const page = await store.readAll({ after: position, maxCount: 500 });
        if (page.length === 0) break;
        position = page[page.length - 1].position;
      }
    } while (again);
  };
  const unsubscribe = store.onAppended(() => {
    if (running) again = true;
    else running = drain().finally(() => (running = undefined));
  });
  return {
    async stop() {
      await running;
      unsubscribe();
      return position;
    },
  };
}

async function productRun(
  dir: string,
  synchronous: Synchronous,
  work: Plan,
  writers: number,
  withSubscriber: boolean,
): Promise<Sample> {
  const store = new SqliteEventStore(join(dir, 'events.db'), { synchronous });
  const subscriber = withSubscriber ? catchUpSubscriber(store) : undefined;
  const revisions = new Int32Array(work.streamCount).fill(-1);
  const latencies = new Latencies();
  let conflicts = 0;
  // Each writer owns the streams congruent to its number, as in event-store benchmarks: the hot
  // streams stay hot, and contention between writers is figure 2's subject (command retries).
  const writer = async (_: unknown, w: number) => {
    for (let i = 0; i < work.events.length; i++) {
      const stream = work.streams[i];
      if (stream % writers !== w) continue;
      for (;;) {
        const expected = revisions[stream] < 0 ? 'no_stream' : revisions[stream];
        const started = nowMs();
        try {
          const result = await store.append(streamName(stream), [work.events[i]], expected);
          latencies.record(nowMs() - started);
          revisions[stream] = result.nextExpectedRevision;
          break;
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          conflicts += 1;
          revisions[stream] = typeof error.actual === 'number' ? error.actual : -1;
        }
      }
    }
  };
  const started = nowMs();
  await Promise.all(Array.from({ length: writers }, writer));
  const seconds = (nowMs() - started) / 1000;
  const followed = (await subscriber?.stop()) ?? 0;
  await store.close();
  return {
    value: work.events.length / seconds,
    latency: latencies.percentiles(),
    details: { conflicts, ...(withSubscriber ? { subscriberReadTo: followed } : {}) },
  };
}

/** The floor: the same rows into the same table, one per IMMEDIATE transaction, nothing else. */
function rawRun(dir: string, synchronous: Synchronous, work: Plan): Sample {
  const file = join(dir, 'raw.db');
  void new SqliteEventStore(file).close(); // the very same table shape
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  const insert = db.prepare(
    'INSERT INTO events (id, stream_id, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const append = db.transaction(
    (id: string, stream: string, revision: number, type: string, data: string, meta: string) =>
      insert.run(id, stream, revision, type, data, meta, Date.now()),
  );
  const revisions = new Int32Array(work.streamCount).fill(-1);
  const latencies = new Latencies();
  const started = nowMs();
  for (let i = 0; i < work.events.length; i++) {
    const stream = work.streams[i];
    const event = work.events[i];
    const before = nowMs();
    append.immediate(
      event.id,
      streamName(stream),
      ++revisions[stream],
      event.type,
      work.data[i],
      work.metadata[i],
    );
    latencies.record(nowMs() - before);
  }
  const seconds = (nowMs() - started) / 1000;
  db.close();
  return { value: work.events.length / seconds, latency: latencies.percentiles() };
}

interface Variant {
  id: string;
  title: string;
  synchronous: Synchronous;
  writers: number;
  subscriber: boolean;
}

const VARIANTS: Variant[] = [
  {
    id: 'append.full.1w',
    title: 'append, synchronous=FULL, 1 writer',
    synchronous: 'FULL',
    writers: 1,
    subscriber: false,
  },
  {
    id: 'append.normal.1w',
    title: 'append, synchronous=NORMAL, 1 writer',
    synchronous: 'NORMAL',
    writers: 1,
    subscriber: false,
  },
  {
    id: 'append.normal.4w',
    title: 'append, NORMAL, 4 writers',
    synchronous: 'NORMAL',
    writers: 4,
    subscriber: false,
  },
  {
    id: 'append.normal.16w.sub',
    title: 'append, NORMAL, 16 writers + catch-up subscriber',
    synchronous: 'NORMAL',
    writers: 16,
    subscriber: true,
  },
];

/** Figure 1: events/s through the event store port against raw inserts of the same rows. */
export async function appendFigures(options: BenchOptions): Promise<Figure[]> {
  const { append, runs } = options.sizes;
  const plans = {
    FULL: plan(append.fullSyncEvents, append.streams, options.seed),
    NORMAL: plan(append.normalSyncEvents, append.streams, options.seed),
  };
  const figures: Figure[] = [];
  for (const variant of VARIANTS) {
    const work = plans[variant.synchronous];
    options.log(`  ${variant.title}: ${work.events.length} events × ${runs} runs`);
    const samples = await alternate(
      runs,
      () =>
        inScratchDir((dir) =>
          productRun(dir, variant.synchronous, work, variant.writers, variant.subscriber),
        ),
      () => inScratchDir((dir) => rawRun(dir, variant.synchronous, work)),
      true,
    );
    figures.push(
      buildFigure(
        {
          id: variant.id,
          figure: 1,
          title: variant.title,
          workload: `${work.events.length} realistic events (one command's events per append) to ${append.streams} streams chosen by Zipf (s=1.1); expected revision checked`,
          unit: 'events/s',
          limitLabel: `raw better-sqlite3 INSERT of the same rows into the same table, one per transaction, synchronous=${variant.synchronous}`,
          targets: (figure) => [{ text: 'ratio ≥ 0.7', met: figure.ratio >= 0.7 }],
        },
        samples.product,
        samples.limit,
      ),
    );
  }
  return figures;
}
