// Child process for the keep-up crash test: runs customers' next version (which declares its
// previous one) in a following engine, writes a customer at a time and waits for the read models
// to show it (printing `acked N` once they do), and kills itself (SIGKILL) at the Nth step of the
// build beside the live version (a batch committed, query indexes made), or at the switch
// (N = 0, or once the switch comes first).
import 'reflect-metadata';
import type { EventStore } from '../../src/platform/event-store/event-store';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { ProjectionEngine } from '../../src/platform/projection-engine/projection-engine';
import { ReadStore } from '../../src/platform/read-store/read-store';
import { PROJECTIONS_NEXT } from './customers-next-version';
import { writeStory } from './story';

const [eventsFile, readFile, killAtStep, firstCustomer] = process.argv.slice(2);
const store = new SqliteEventStore(eventsFile);

void (async () => {
  // The build's pages up to the head it starts from take a while, so writes land meanwhile.
  const headAtStart = await store.headPosition();
  const slowBuild: EventStore = Object.create(store) as EventStore;
  slowBuild.readAll = async (options) => {
    if ((options.after ?? 0) < headAtStart) await new Promise((resolve) => setTimeout(resolve, 20));
    return store.readAll(options);
  };
  const engine = new ProjectionEngine(slowBuild, new ReadStore(readFile), PROJECTIONS_NEXT, {
    batchSize: 7,
  });
  let steps = 0;
  engine.onBuildProgress((progress) => {
    steps += 1;
    if (steps === Number(killAtStep) || progress.phase === 'switched') {
      process.kill(process.pid, 'SIGKILL');
    }
  });
  await engine.start();
  for (let customer = Number(firstCustomer); ; customer++) {
    await writeStory(store, 1, 3, customer);
    await engine.waitFor(await store.headPosition(), 5000, ['customers']);
    process.stdout.write(`acked ${customer}\n`);
  }
})();
