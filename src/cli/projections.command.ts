import { SingleBar, Presets } from 'cli-progress';
import { Command } from 'commander';
import { PROJECTIONS } from '../capabilities';
import { loadSettings } from '../platform/config/settings';
import { createEventStore } from '../platform/event-store/event-store.factory';
import { ProjectionEngine } from '../platform/projection-engine/projection-engine';
import { createReadStore } from '../platform/read-store/read-store.factory';
import { reportOpenedStores } from './opened-stores';

async function withEngine<T>(
  work: (engine: ProjectionEngine, head: number) => Promise<T>,
): Promise<T> {
  const settings = loadSettings();
  const store = createEventStore(settings);
  const readStore = createReadStore(settings);
  reportOpenedStores(settings);
  try {
    const engine = new ProjectionEngine(store, readStore, PROJECTIONS);
    return await work(engine, await store.headPosition());
  } finally {
    readStore.close();
    await store.close();
  }
}

const rebuild = new Command('rebuild')
  .description(
    'Empty the named read models (all when none are named) and replay every event into them',
  )
  .argument(
    '[names...]',
    `projections: ${PROJECTIONS.map((projection) => projection.name).join(', ')}`,
  )
  .action(async (names: string[]) => {
    await withEngine(async (engine, head) => {
      names.forEach((name) => engine.projection(name));
      const bar = process.stderr.isTTY
        ? new SingleBar(
            {
              format: ' rebuilding [{bar}] {percentage}% | {value}/{total} positions | {eta}s left',
            },
            Presets.shades_classic,
          )
        : undefined;
      bar?.start(Math.max(head, 1), 0);
      const { events, seconds } = await engine.rebuild(names, ({ position }) =>
        bar?.update(position),
      );
      bar?.update(Math.max(head, 1));
      bar?.stop();
      const rate = seconds > 0 ? Math.round(events / seconds) : events;
      const rebuilt = names.length > 0 ? names.join(', ') : 'all projections';
      console.log(
        `rebuilt ${rebuilt}: ${events} events in ${seconds.toFixed(2)} s (${rate} events/s)`,
      );
    });
  });

const status = new Command('status')
  .description("Each projection's version, checkpoint, lag and state")
  .option('--json', 'print a JSON array instead of a table')
  .action(async (options: { json?: boolean }) => {
    await withEngine(async (engine) => {
      const rows = await engine.status();
      if (options.json) {
        console.log(JSON.stringify(rows, null, 2));
        return;
      }
      console.table(
        rows.map(({ name, version, checkpoint, lag, status: state, error }) => ({
          name,
          version,
          checkpoint,
          lag,
          status: state,
          ...(error ? { error } : {}),
        })),
      );
    });
  });

export const projectionsCommand = new Command('projections')
  .description('Inspect and rebuild the read models')
  .addCommand(rebuild)
  .addCommand(status);
