// Child process for the crash test: rebuilds every read model beside the live ones (blue/green)
// and kills itself (SIGKILL) at its Nth step: a batch committed, query indexes made, a switch.
import 'reflect-metadata';
import { PROJECTIONS } from '../../src/capabilities';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { ProjectionEngine } from '../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../src/platform/read-store/read-store';

const [eventsFile, readFile, killAtStep] = process.argv.slice(2);
const engine = new ProjectionEngine(
  new SqliteEventStore(eventsFile),
  new ReadStore(readFile),
  PROJECTIONS,
  { batchSize: 7 },
);
let steps = 0;
engine.onBuildProgress(() => {
  steps += 1;
  if (steps === Number(killAtStep)) process.kill(process.pid, 'SIGKILL');
});
void engine.rebuild();
