import type { ReadStore } from '../read-store/read-store';
import { type BuildRow, Builds, newBuildOwner } from './builds';
import { DeadLetters } from './dead-letters';
import type { ApplyTarget } from './page-applier';
import {
  type BuildStatus,
  type Projection,
  type ProjectionStatus,
  tablesReplacedBy,
} from './projection';
import type { PreviousVersion } from './projector';

/** How long a build's lock lasts unrenewed when nobody says (PROJECTION_BUILD_LEASE_MS). */
export const DEFAULT_BUILD_LEASE_MS = 15_000;

export interface CheckpointsOptions {
  /** The projections this process runs: a live version other than theirs may not be served here. */
  projections?: readonly Projection[];
  /** Who this engine is for the build lock, and how long its lock lasts unrenewed. */
  buildOwner?: string;
  buildLeaseMs?: number;
}

export type NotReadyState = 'REBUILDING' | 'FAILED' | 'BEHIND' | 'NEWER';

/** The versions of a read model that a newer version of the product moved on (state NEWER). */
export interface NewerVersion {
  live: number;
  mine: number;
}

const notReadyMessage = (projection: string, state: NotReadyState, newer?: NewerVersion) => {
  switch (state) {
    case 'FAILED':
      return `The ${projection} read model stopped after an error and is not served until the Operator rebuilds it.`;
    case 'BEHIND':
      return `The ${projection} read model is catching up with what was recorded; try again in a moment.`;
    case 'NEWER':
      return `The ${projection} read model is at version ${newer?.live}, newer than this server's version ${newer?.mine}: a newer release of the product rebuilt it, and this server cannot read it until it is upgraded too.`;
    default:
      return `The ${projection} read model is being rebuilt; try again in a moment.`;
  }
};

export class ReadModelNotReadyError extends Error {
  constructor(
    readonly projection: string,
    readonly state: NotReadyState = 'REBUILDING',
    newer?: NewerVersion,
  ) {
    super(notReadyMessage(projection, state, newer));
  }
}

export type CheckpointState = 'LIVE' | 'REBUILDING' | 'FAILED';

/** A read model as a query on it finds it (Checkpoints.serving). */
interface ServingRow {
  name: string;
  state: CheckpointState;
  version: number;
  position: number;
  /** This process's version of it (null: this process does not run it). */
  mine: number | null;
  readableMeanwhile: 0 | 1;
}

const isOtherVersion = (row: ServingRow) => row.mine !== null && row.version !== row.mine;
/** Being rebuilt or failed, or another version whose tables this version cannot read. */
const isNotServing = (row: ServingRow) =>
  row.state !== 'LIVE' || (isOtherVersion(row) && row.readableMeanwhile === 0);
/**
 * Served as a previous version left it, while this version is built beside it; not when this
 * process keeps that version up (`keptUp`: name → the previous version its projection declares).
 */
const isPreviousVersion = (row: ServingRow, keptUp: ReadonlyMap<string, number>) =>
  row.state === 'LIVE' && isOtherVersion(row) && keptUp.get(row.name) !== row.version;
const previousVersionOf = ({ name, version, position }: ServingRow): PreviousVersion => ({
  readModel: name,
  version,
  position,
});

export interface CheckpointRow {
  name: string;
  version: number;
  position: number;
  state: CheckpointState;
  error: string | null;
  /** What the live tables' indexes carry after their names ('' unless built beside another). */
  suffix: string;
}

/** Each projection's position in `$all`, kept in the read store beside its tables. */
export class Checkpoints {
  readonly deadLetters: DeadLetters;
  readonly builds: Builds;
  /** name → version of the projections this process runs, for `untilServing`. */
  private readonly versions: string;
  /** name → the previous version a projection declares: this process keeps it up. */
  private readonly keptUp: ReadonlyMap<string, number>;

  constructor(
    private readonly readStore: ReadStore,
    options: CheckpointsOptions = {},
  ) {
    readStore.db.exec(`CREATE TABLE IF NOT EXISTS projection_checkpoints (
      name TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      position INTEGER NOT NULL,
      state TEXT NOT NULL,
      error TEXT,
      suffix TEXT NOT NULL DEFAULT ''
    )`);
    addSuffixColumn(readStore);
    this.deadLetters = new DeadLetters(readStore);
    this.builds = new Builds(
      readStore,
      options.buildOwner ?? newBuildOwner(),
      options.buildLeaseMs ?? DEFAULT_BUILD_LEASE_MS,
    );
    this.versions = JSON.stringify(
      Object.fromEntries((options.projections ?? []).map((p) => [p.name, p.version])),
    );
    this.keptUp = new Map(
      (options.projections ?? []).flatMap((p) =>
        p.previous ? [[p.name, p.previous.version]] : [],
      ),
    );
  }

  all(): CheckpointRow[] {
    return this.readStore.all<CheckpointRow>('SELECT * FROM projection_checkpoints ORDER BY name');
  }

  get(name: string): CheckpointRow | undefined {
    return this.readStore.get<CheckpointRow>(
      'SELECT * FROM projection_checkpoints WHERE name = ?',
      [name],
    );
  }

  advance(name: string, position: number): void {
    this.readStore.run('UPDATE projection_checkpoints SET position = ? WHERE name = ?', [
      position,
      name,
    ]);
  }

  setState(name: string, state: CheckpointState, error: string | null = null): void {
    this.readStore.run('UPDATE projection_checkpoints SET state = ?, error = ? WHERE name = ?', [
      state,
      error,
      name,
    ]);
  }

  /**
   * Where a page goes to reach `projection`'s live version at `position`: its tables, moving its
   * checkpoint. `row`, if given, follows what the target does to the checkpoint.
   */
  liveTarget(projection: Projection, position: number, row?: CheckpointRow): ApplyTarget {
    return {
      projection,
      db: this.readStore,
      position,
      deadLetterName: projection.name,
      advance: (to) => {
        this.advance(projection.name, to);
        if (row) row.position = to;
      },
      fail: (message) => {
        this.setState(projection.name, 'FAILED', message);
        if (row) row.state = 'FAILED';
      },
    };
  }

  /** Where each projection stands against the event store's `head`, with any version being built. */
  statuses(projections: readonly Projection[], head: number): ProjectionStatus[] {
    const rows = new Map(this.all().map((row) => [row.name, row]));
    const builds = new Map(this.builds.all().map((build) => [build.name, build]));
    const deadLetters = this.deadLetters.counts();
    return projections.map((projection) => {
      const row = rows.get(projection.name);
      const build = builds.get(projection.name);
      const checkpoint = row?.position ?? 0;
      const lag = Math.max(0, head - checkpoint);
      const servedHere =
        !row || row.version === projection.version || readableMeanwhile(build, projection);
      const status =
        row?.state === 'FAILED' || row?.state === 'REBUILDING'
          ? row.state
          : !servedHere
            ? 'REBUILDING'
            : lag > 0
              ? 'CATCHING_UP'
              : 'LIVE';
      return {
        name: projection.name,
        version: row?.version ?? projection.version,
        checkpoint,
        lag,
        status,
        ...(row?.error ? { error: row.error } : {}),
        deadLetters: deadLetters.get(projection.name) ?? 0,
        ...(build
          ? {
              build: buildStatus(
                build,
                head,
                deadLetters.get(projection.name + build.suffix) ?? 0,
                // A same-version rebuild: the live rows are this version's, kept up by whoever runs it.
                row !== undefined &&
                  (row.version === projection.version ||
                    projection.previous?.version === row.version),
              ),
            }
          : {}),
      };
    });
  }

  /**
   * Throws ReadModelNotReadyError unless the named read models are complete, after waiting up to
   * `timeoutMs` for a rebuild to finish (`nudge` lets the projections move meanwhile).
   */
  async untilServing(
    names: readonly string[],
    timeoutMs: number,
    nudge: () => Promise<void>,
  ): Promise<PreviousVersion[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const serving = this.serving(names);
      // A newer release switched it to a version this one cannot read: waiting never helps.
      const newer = serving.find((row) => row.mine !== null && row.version > row.mine);
      if (newer) {
        throw new ReadModelNotReadyError(newer.name, 'NEWER', {
          live: newer.version,
          mine: newer.mine!,
        });
      }
      const notServing =
        serving.find((row) => row.state === 'FAILED') ?? serving.find(isNotServing);
      if (!notServing) {
        return serving.filter((row) => isPreviousVersion(row, this.keptUp)).map(previousVersionOf);
      }
      // A failed read model stays stale until someone rebuilds it: waiting would not help.
      if (notServing.state === 'FAILED' || Date.now() >= deadline) {
        throw new ReadModelNotReadyError(
          notServing.name,
          notServing.state === 'FAILED' ? 'FAILED' : 'REBUILDING',
        );
      }
      await nudge();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Those of `names` that are not complete and working now (what `untilServing` waits for). */
  notServing(names: readonly string[]): string[] {
    return this.serving(names)
      .filter(isNotServing)
      .map((row) => row.name);
  }

  /**
   * How each of `names` stands for this process, in one query (every query asks: it is hot): its
   * state, its live version against this process's, and whether the version being built lets the
   * previous one be read meanwhile (every column of its tables exists in the live ones).
   */
  private serving(names: readonly string[]): ServingRow[] {
    if (names.length === 0) return [];
    return this.readStore.all<ServingRow>(
      `SELECT c.name AS name, c.state AS state, c.version AS version, c.position AS position,
         mine.value AS mine,
         EXISTS (SELECT 1 FROM projection_builds b
                 WHERE b.name = c.name AND b.version = mine.value AND b.previous_readable = 1)
           AS readableMeanwhile
       FROM projection_checkpoints c
       JOIN json_each(?) wanted ON wanted.value = c.name
       LEFT JOIN json_each(?) mine ON mine.key = c.name
       ORDER BY c.name`,
      [JSON.stringify(names), this.versions],
    );
  }

  /** Empties a projection's tables and starts it again from the first event. Call inside a transaction. */
  reset(projection: Projection): void {
    this.deadLetters.clear(projection.name);
    for (const table of tablesReplacedBy(projection))
      this.readStore.db.exec(`DROP TABLE IF EXISTS "${table}"`);
    for (const ddl of projection.schema) this.readStore.db.exec(ddl);
    this.readStore.run(
      `INSERT INTO projection_checkpoints (name, version, position, state, error)
       VALUES (?, ?, 0, 'REBUILDING', NULL)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = 0, state = 'REBUILDING', error = NULL, suffix = ''`,
      [projection.name, projection.version],
    );
  }

  /** A version built beside the live one takes its place (the switch). Call inside a transaction. */
  goLive(build: BuildRow): void {
    this.readStore.run(
      `INSERT INTO projection_checkpoints (name, version, position, state, error, suffix)
       VALUES (?, ?, ?, 'LIVE', NULL, ?)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position,
         state = 'LIVE', error = NULL, suffix = excluded.suffix`,
      [build.name, build.version, build.position, build.suffix],
    );
  }
}

/** Read models made before blue/green builds have no suffix column: it is added, empty. */
function addSuffixColumn(readStore: ReadStore): void {
  const columns = readStore.all<{ name: string }>(
    "SELECT name FROM pragma_table_info('projection_checkpoints')",
  );
  if (columns.some((column) => column.name === 'suffix')) return;
  try {
    readStore.db.exec(
      "ALTER TABLE projection_checkpoints ADD COLUMN suffix TEXT NOT NULL DEFAULT ''",
    );
  } catch (error) {
    // Another process added it meanwhile.
    if (!String(error).includes('duplicate column')) throw error;
  }
}

/** Whether `projection`'s queries can read the live version's tables while `build` replays. */
const readableMeanwhile = (build: BuildRow | undefined, projection: Projection): boolean =>
  build?.version === projection.version && build.previous_readable === 1;

function buildStatus(
  build: BuildRow,
  head: number,
  deadLetters: number,
  liveKeptUp: boolean,
): BuildStatus {
  return {
    version: build.version,
    checkpoint: build.position,
    lag: Math.max(0, head - build.position),
    progress: head === 0 ? 1 : Math.min(1, build.position / head),
    state: build.state,
    owner: build.owner,
    leaseExpiresAt: build.owner ? new Date(build.lease_until).toISOString() : null,
    ...(build.error ? { error: build.error } : {}),
    deadLetters,
    liveKeptUp,
  };
}
