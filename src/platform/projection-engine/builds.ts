import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { threadId } from 'node:worker_threads';
import type { ReadStore } from '../read-store/read-store';
import { isRunning } from '../common/process-identity';

/** `BUILDING`: replaying; `SWITCHING`: caught up once, query indexes made, goes live at the head. */
export type BuildState = 'BUILDING' | 'SWITCHING' | 'FAILED';

/**
 * A version of a projection being built beside the live one (blue/green). The row is also the
 * build's lock: only its `owner` applies events to it, until `lease_until` passes unrenewed.
 */
export interface BuildRow {
  name: string;
  version: number;
  /** What the build's tables and indexes carry after their plain names. */
  suffix: string;
  position: number;
  state: BuildState;
  error: string | null;
  owner: string | null;
  /** Epoch ms; the owner renews it with every batch it commits. */
  lease_until: number;
  /** 1 when this version's queries can read the live version's tables meanwhile (no column missing). */
  previous_readable: number;
  started_at: number;
}

export class BuildLockedError extends Error {
  constructor(
    readonly projection: string,
    readonly owner: string,
    leaseUntil: number,
  ) {
    super(
      `${projection} is being built by ${owner} (its lock expires at ${new Date(leaseUntil).toISOString()} unless renewed); try again later`,
    );
    this.name = 'BuildLockedError';
  }
}

/** Who this engine is, for the build lock: the host and pid tell a dead owner on this host. */
export const newBuildOwner = (): string =>
  `${hostname()}:${process.pid}:${threadId}:${randomUUID().slice(0, 8)}`;

/** Whether `owner` was a process on this host that is gone (kill -9): its lock need not expire. */
export function ownerIsGone(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || Number(pid) === process.pid || !/^\d+$/.test(pid ?? '')) return false;
  return !isRunning(Number(pid));
}

/** The versions being built beside the live ones, and their locks, in the read store. */
export class Builds {
  constructor(
    private readonly readStore: ReadStore,
    readonly owner: string,
    private readonly leaseMs: number,
  ) {
    readStore.db.exec(`CREATE TABLE IF NOT EXISTS projection_builds (
      name TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      suffix TEXT NOT NULL,
      position INTEGER NOT NULL,
      state TEXT NOT NULL,
      error TEXT,
      owner TEXT,
      lease_until INTEGER NOT NULL,
      previous_readable INTEGER NOT NULL,
      started_at INTEGER NOT NULL
    )`);
  }

  all(): BuildRow[] {
    return this.readStore.all<BuildRow>('SELECT * FROM projection_builds ORDER BY name');
  }

  get(name: string): BuildRow | undefined {
    return this.readStore.get<BuildRow>('SELECT * FROM projection_builds WHERE name = ?', [name]);
  }

  /** Whether this engine may apply events to `row` now: it holds it, or no one live does. */
  claimable(row: BuildRow, now = Date.now()): boolean {
    return (
      row.owner === this.owner ||
      row.owner === null ||
      row.lease_until < now ||
      ownerIsGone(row.owner)
    );
  }

  /** Takes (or renews) the lock of `name`'s build; false when another owner holds it. In a transaction. */
  hold(name: string): BuildRow | undefined {
    const row = this.get(name);
    if (!row || !this.claimable(row)) return undefined;
    const leaseUntil = Date.now() + this.leaseMs;
    this.readStore.run('UPDATE projection_builds SET owner = ?, lease_until = ? WHERE name = ?', [
      this.owner,
      leaseUntil,
      name,
    ]);
    return { ...row, owner: this.owner, lease_until: leaseUntil };
  }

  /** Records a new build of `name`, held by this engine. In a transaction, after its tables exist. */
  insert(name: string, version: number, suffix: string, previousReadable: boolean): void {
    this.readStore.run(
      `INSERT INTO projection_builds
         (name, version, suffix, position, state, error, owner, lease_until, previous_readable, started_at)
       VALUES (?, ?, ?, 0, 'BUILDING', NULL, ?, ?, ?, ?)`,
      [
        name,
        version,
        suffix,
        this.owner,
        Date.now() + this.leaseMs,
        previousReadable ? 1 : 0,
        Date.now(),
      ],
    );
  }

  /** Moves the build on and renews its lock, with the batch that got it there. */
  advance(name: string, position: number): void {
    this.readStore.run(
      'UPDATE projection_builds SET position = ?, lease_until = ? WHERE name = ? AND owner = ?',
      [position, Date.now() + this.leaseMs, name, this.owner],
    );
  }

  setState(name: string, state: BuildState, error: string | null = null): void {
    // A failed build is left for someone to look at; anyone may replace it, no one resumes it.
    this.readStore.run(
      `UPDATE projection_builds SET state = ?, error = ?, owner = CASE WHEN ? = 'FAILED' THEN NULL ELSE owner END
       WHERE name = ?`,
      [state, error, state, name],
    );
  }

  remove(name: string): void {
    this.readStore.run('DELETE FROM projection_builds WHERE name = ?', [name]);
  }
}
