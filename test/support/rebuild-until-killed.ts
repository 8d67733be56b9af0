// Child process for the crash test: rebuilds every read model in place and kills itself mid-way (SIGKILL).
import 'reflect-metadata';
import { PROJECTIONS } from '../../src/capabilities';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { ProjectionEngine } from '../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../src/platform/read-store/read-store';

const [eventsFile, readFile, killAfterBatches] = process.argv.slice(2);
const engine = new ProjectionEngine(
  new SqliteEventStore(eventsFile),
  new ReadStore(readFile),
  PROJECTIONS,
  {
    batchSize: 7,
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
