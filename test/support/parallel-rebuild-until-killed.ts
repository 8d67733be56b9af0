// Child process for the crash test: a parallel replay that kills itself (SIGKILL) after this
// thread replayed `killAfterBatches` pages, while its worker replays its group into its own file.
// `mode`: `rebuild` (an in-place rebuild, as `projections rebuild --in-place`) or `start` (a
// start on the empty read store, as the server's).
import 'reflect-metadata';
import { PROJECTIONS, CAPABILITIES_MODULE } from '../../src/capabilities';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { ParallelReplay } from '../../src/platform/projection-engine/parallel-replay';
import { ProjectionEngine } from '../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../src/platform/read-store/read-store';

const [eventsFile, readFile, killAfterBatches, mode = 'rebuild'] = process.argv.slice(2);
let batches = 0;

class KilledMidway extends ParallelReplay {
  override replay(
    ...[store, readStore, projections, onBatch]: Parameters<ParallelReplay['replay']>
  ) {
    return super.replay(store, readStore, projections, (progress) => {
      onBatch(progress);
      batches += 1;
      if (batches === Number(killAfterBatches)) process.kill(process.pid, 'SIGKILL');
    });
  }
}

const engine = new ProjectionEngine(
  new SqliteEventStore(eventsFile),
  new ReadStore(readFile),
  PROJECTIONS,
  {
    batchSize: 7,
    parallelReplay: new KilledMidway({
      eventsFile,
      projectionsModule: CAPABILITIES_MODULE,
      batchSize: 7,
      minEvents: 0,
    }),
  },
);
void (mode === 'start' ? engine.start() : engine.rebuild([], { inPlace: true }));
