import { SingleBar, Presets } from 'cli-progress';
import { Command } from 'commander';
import { CAPABILITIES_MODULE, PROJECTIONS } from '../capabilities';
import { loadSettings } from '../platform/config/settings';
import { createEventStore } from '../platform/event-store/event-store.factory';
import type { BuildStatus, ProjectionStatus } from '../platform/projection-engine/projection';
import { parallelReplayOf } from '../platform/projection-engine/parallel-replay';
import { ProjectionEngine } from '../platform/projection-engine/projection-engine';
import { ownerIsGone } from '../platform/projection-engine/builds';
import { openCheckedReadStore } from '../platform/read-store/read-store.factory';
import { serverHolds } from '../platform/server/data-dir-lock';
import { assertStoreExists, COMMAND_GIVES_UP_AFTER, reportOpenedStores } from './opened-stores';
import { eachOnce } from './arguments';
import { exitCodeOf, STOPPING_SIGNALS } from './stopping-signals';

/** `replays`: the command replays events (rebuild, retry), so a read store set aside is rebuilt. */
async function withEngine<T>(
  work: (engine: ProjectionEngine, head: number) => Promise<T>,
  replays = false,
): Promise<T> {
  const settings = loadSettings();
  assertStoreExists(settings);
  const store = createEventStore(settings);
  const say = (line: string) => console.error(`partner-ledger: ${line}`);
  const readStore = openCheckedReadStore(
    settings,
    { error: say, warn: say },
    {
      then: replays
        ? undefined
        : 'a fresh one holds nothing yet: the server (at its start) or `projections rebuild` rebuilds the read models from the events',
      heldBy: serverHolds(settings.DATA_DIR) ? 'the server running on DATA_DIR' : undefined,
    },
  );
  reportOpenedStores(settings);
  try {
    const engine = new ProjectionEngine(store, readStore, PROJECTIONS, {
      buildLeaseMs: settings.PROJECTION_BUILD_LEASE_MS,
      onError: (error) => console.error(`partner-ledger: ${error.message}`),
      giveUpAfterFailures: COMMAND_GIVES_UP_AFTER,
      // A full in-place rebuild on the embedded store replays over two threads and files.
      parallelReplay: parallelReplayOf(settings, CAPABILITIES_MODULE, COMMAND_GIVES_UP_AFTER),
    });
    return await work(engine, await store.headPosition());
  } finally {
    readStore.close();
    await store.close();
  }
}

const rebuild = new Command('rebuild')
  .description(
    'Replay every event into the named read models (all when none are named), beside the live ones, which serve until the new ones go live',
  )
  .argument(
    '[names...]',
    `projections: ${PROJECTIONS.map((projection) => projection.name).join(', ')}`,
    eachOnce,
    [],
  )
  .option(
    '--in-place',
    'empty the read models first and replay into them (their queries wait, then are refused): for an empty store',
  )
  .action(async (names: string[], options: { inPlace?: boolean }) => {
    // Heard between batches (each is one transaction): what was applied stays whole.
    const stopping = (signal: NodeJS.Signals) => {
      process.stderr.write('\n');
      console.error(
        `partner-ledger: interrupted (${signal}): the rebuild stops here; what it applied is kept, and the next \`projections rebuild\` or a server start resumes it`,
      );
      process.exit(exitCodeOf(signal));
    };
    STOPPING_SIGNALS.forEach((signal) => process.once(signal, stopping));
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
      const { events, seconds } = await engine.rebuild(names, {
        inPlace: options.inPlace === true,
        onBatch: ({ position }) => bar?.update(position),
      });
      bar?.update(Math.max(head, 1));
      bar?.stop();
      const rate = seconds > 0 ? Math.round(events / seconds) : events;
      const rebuilt = names.length > 0 ? names.join(', ') : 'all projections';
      const replayed = `${events} events in ${seconds.toFixed(2)} s (${rate} events/s)`;
      const troubled = troubledOf(await engine.status(), names);
      if (troubled.length === 0) console.log(`rebuilt ${rebuilt}: ${replayed}`);
      else console.error(`replayed ${replayed}, but not every read model is whole:`);
      reportTrouble(troubled);
    }, true);
  });

/** The named projections (all when none) that failed, failed to build, or set events aside. */
const troubledOf = (
  statuses: readonly ProjectionStatus[],
  names: readonly string[],
): ProjectionStatus[] =>
  statuses.filter(
    (status) =>
      (names.length === 0 || names.includes(status.name)) &&
      (status.status === 'FAILED' || status.deadLetters > 0 || status.build?.state === 'FAILED'),
  );

/**
 * Says on stderr what is wrong with each of `troubled` and what to run after a fix: a build that
 * failed is started again by a rebuild (retry applies the live version's dead letters); exit 1.
 */
function reportTrouble(troubled: readonly ProjectionStatus[]): void {
  for (const status of troubled) {
    console.error(
      status.status === 'FAILED'
        ? `${status.name} FAILED: ${status.error ?? 'unknown error'}; after a fix, \`projections retry ${status.name}\``
        : status.build?.state === 'FAILED'
          ? `${status.name}: the build of version ${status.build.version} FAILED (version ${status.version} still served): ${status.build.error ?? 'unknown error'}; after a fix, \`projections rebuild ${status.name}\``
          : `${status.name}: ${status.deadLetters} event(s) dead-lettered; after a fix, \`projections retry ${status.name}\``,
    );
  }
  if (troubled.length > 0) {
    console.error('see `projections dead-letters` for the events and their errors');
    process.exitCode = 1;
  }
}

const deadLetters = new Command('dead-letters')
  .description('Events the named projections (all when none are named) set aside, with the error')
  .argument('[names...]', 'projections', eachOnce, [])
  .option('--json', 'print a JSON array instead of a table')
  .action(async (names: string[], options: { json?: boolean }) => {
    await withEngine((engine) => {
      const letters = engine.deadLetters(names);
      if (options.json) console.log(JSON.stringify(letters, null, 2));
      else if (letters.length === 0) console.log('no dead letters');
      else console.table(letters);
      return Promise.resolve();
    });
  });

const retry = new Command('retry')
  .description(
    'Apply the dead letters of the named projections (all when none) again, after a fix; exit 1 while some remain',
  )
  .argument('[names...]', 'projections', eachOnce, [])
  .action(async (names: string[]) => {
    await withEngine(async (engine) => {
      names.forEach((name) => engine.projection(name));
      const { retried, applied, rebuilt } = await engine.retryDeadLetters(names);
      console.log(`retried ${retried} dead letter(s): ${applied} applied`);
      if (rebuilt.length > 0) {
        console.log(
          `rebuilt ${rebuilt.join(', ')}: it had applied events after its dead letters, which go back in their place`,
        );
      }
      reportTrouble(troubledOf(await engine.status(), names));
    }, true);
  });

/** Who builds it now, or that nobody does: a build whose lock expired was left by a process that stopped. */
function lockOf(build: BuildStatus): string {
  if (!build.owner || !build.leaseExpiresAt) return 'not held';
  if (Date.parse(build.leaseExpiresAt) < Date.now())
    return `left since ${build.leaseExpiresAt} (its lock expired: the next rebuild or server start resumes it)`;
  return ownerIsGone(build.owner)
    ? `left by ${build.owner}, a process of this host that has exited: the next rebuild or server start resumes it`
    : `held by ${build.owner}`;
}

const status = new Command('status')
  .description(
    "Each projection's version, checkpoint, lag and state, and any version being built beside it",
  )
  .option('--json', 'print a JSON array instead of a table')
  .action(async (options: { json?: boolean }) => {
    await withEngine(async (engine) => {
      const rows = await engine.status();
      if (options.json) {
        // A build's lock as the table says it: who holds it, or that its owner left it.
        const withLocks = rows.map((row) =>
          row.build ? { ...row, build: { ...row.build, lock: lockOf(row.build) } } : row,
        );
        console.log(JSON.stringify(withLocks, null, 2));
        return;
      }
      console.table(
        rows.map(
          ({ name, version, checkpoint, lag, status: state, error, deadLetters, build }) => ({
            name,
            version,
            checkpoint,
            lag,
            status: state,
            deadLetters,
            ...(build
              ? {
                  building: `v${build.version} ${build.state} at ${build.checkpoint} (${Math.floor(build.progress * 100)} %), lag ${build.lag}; ${lockOf(build)}; live v${version} ${build.liveKeptUp ? 'kept up' : 'served as left'}`,
                }
              : {}),
            ...(error || build?.error ? { error: error ?? build?.error } : {}),
          }),
        ),
      );
    });
  });

export const projectionsCommand = new Command('projections')
  .description('Inspect and rebuild the read models')
  .addCommand(rebuild)
  .addCommand(status)
  .addCommand(deadLetters)
  .addCommand(retry);
