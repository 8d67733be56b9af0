// Child process for the crash test: a parallel in-place rebuild that kills itself (SIGKILL) after
// this thread replayed `killAfterBatches` pages, while its worker replays audit into its own file.
import 'reflect-metadata';
import { PROJECTIONS, CAPABILITIES_MODULE } from '../../src/capabilities';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { ParallelReplay } from '../../src/platform/projection-engine/parallel-replay';
import { ProjectionEngine } from '../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../src/platform/read-store/read-store';

const [eventsFile, readFile, killAfterBatches] = process.argv.slice(2);
const engine = new ProjectionEngine(
  new SqliteEventStore(eventsFile),
  new ReadStore(readFile),
  PROJECTIONS,
  {
    batchSize: 7,
    parallelReplay: new ParallelReplay({
      eventsFile,
      projectionsModule: CAPABILITIES_MODULE,
      batchSize: 7,
    }),
  },
);
let batches = 0;
void engine.rebuild([], {
  inPlace: true,
  onBatch: () => {
    batches += 1;
    if (batches === Number(killAfterBatches)) process.kill(process.pid, 'SIGKILL');
  },
});
