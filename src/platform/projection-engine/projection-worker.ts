// The worker thread of ProjectionThread: runs the ProjectionEngine on its own connections.
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import type { RecordedEvent } from '../event-store/event-store';
import { createEventStore } from '../event-store/event-store.factory';
import { onLongSteps } from '../common/long-steps';
import { rootLogger } from '../observability/logger';
import { sendWarningsTo } from '../observability/process-warnings';
import { startTracing } from '../observability/tracing';
import { createReadStore } from '../read-store/read-store.factory';
import type { Projection } from './projection';
import { parallelReplayOf } from './parallel-replay';
import { ProjectionEngine } from './projection-engine';
import {
  HEARTBEAT_EVERY_MS,
  type ToThread,
  type ToWorker,
  type WorkerInput,
} from './projection-thread.messages';

const port = parentPort!;
const { settings, wantEvents, projectionsModule } = workerData as WorkerInput;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the server says which module
const { PROJECTIONS } = require(projectionsModule) as { PROJECTIONS: readonly Projection[] };
const post = (message: ToThread) => port.postMessage(message);

// JSON lines through pino, like the server's own (Nest's console logger is not loaded here).
const logger = rootLogger(settings.LOG_LEVEL).child({ thread: 'projection-worker' });
sendWarningsTo((message) => logger.warn({ context: 'Process' }, message));
const stopTracing = startTracing(settings, { 'thread.name': 'projection-worker' });
const store = createEventStore(settings, {
  logger: {
    log: (message) => logger.info({ context: 'EventStoreDB' }, message),
    warn: (message) => logger.warn({ context: 'EventStoreDB' }, message),
  },
  onReconnect: () => post({ type: 'store-reconnect' }),
});
const readStore = createReadStore(settings);
const engine = new ProjectionEngine(store, readStore, PROJECTIONS, {
  buildLeaseMs: settings.PROJECTION_BUILD_LEASE_MS,
  batchSize: settings.PROJECTION_BATCH_SIZE,
  onError: (error) => post({ type: 'error', message: error.message }),
  onFault: (fault) => post({ type: 'fault', fault }),
  // A start on an empty read store over a large event store replays over threads first.
  parallelReplay: parallelReplayOf(settings, projectionsModule),
});
// Proof of life for the thread's watchdog: a worker stuck in a loop or a call sends none, and
// one about to block in a long step it knows of (a query index build) says so first.
setInterval(() => post({ type: 'heartbeat' }), HEARTBEAT_EVERY_MS).unref();
onLongSteps((what) => post({ type: 'busy', what }));

let sendEvents = wantEvents;
let applied: RecordedEvent[] = [];
engine.onApplied((events) => {
  if (sendEvents) applied.push(...events);
});
engine.onSwitched((line) => logger.info({ context: 'Projections' }, line));
engine.onVisible((position, positions) => {
  post({ type: 'visible', position, positions: { ...positions }, events: applied });
  applied = [];
});

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start':
      // A failed start is left unhandled on purpose: the worker dies and the thread reports it.
      void engine.start().then(() => post({ type: 'started' }));
      return;
    case 'kick':
      void engine.catchUp();
      return;
    case 'events':
      sendEvents = message.wanted;
      return;
    case 'rebuild':
      engine.rebuild(message.names, { inPlace: message.inPlace }).then(
        (result) => post({ type: 'rebuilt', id: message.id, ...result }),
        (error: Error) =>
          post({
            type: 'rebuild-failed',
            id: message.id,
            message: error.message,
            name: error.name,
          }),
      );
      return;
    case 'stop':
      void engine
        .stop()
        .then(async () => {
          readStore.close();
          await store.close();
          const unsent = await stopTracing?.();
          if (unsent) logger.warn({ context: 'Tracing' }, `pending spans were not sent: ${unsent}`);
        })
        .finally(() => {
          port.close();
          // Ends this thread only; a socket still open (a collector that never answered) would
          // otherwise keep it alive until the main thread's stop timeout.
          process.exit(0);
        });
  }
});
