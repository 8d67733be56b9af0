import type { RecordedEvent } from '../event-store/event-store';
import type { UnavailableCause } from '../faults/store-unavailable';
import type { Projection, ProjectionStatus } from './projection';

/**
 * What the server needs from whatever runs the projections: the engine in this thread, or the
 * engine in a worker thread (ProjectionThread), which keeps projection work off the request thread.
 */
export interface Projector {
  readonly projections: readonly Projection[];
  /** Catches the read models up, then follows the store live. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Resolves once the named read models (every working one when none are named) have applied the
   * event at `position`; rejects with ReadYourWritesTimeoutError after `timeoutMs`.
   */
  waitFor(position: number, timeoutMs: number, readModels?: readonly string[]): Promise<void>;
  /** The position every working read model has applied (0 while a rebuild starts over). */
  visiblePosition(): number;
  /**
   * Throws ReadModelNotReadyError unless the named read models are complete and working (waits a
   * little for a rebuild; a FAILED one is refused at once). Answers those of them served from a
   * previous version while this one is built beside it: complete, but this process does not keep
   * them up (its projection declares no `previous` with that version's handlers), so they may be
   * behind. A previous version this process keeps up is not among them.
   */
  whenServing(names: readonly string[], timeoutMs?: number): Promise<PreviousVersion[]>;
  /** Those of the named read models that are not complete and working now, without waiting. */
  notServing(names: readonly string[]): string[];
  /** Calls `listener` with each page of events once the read models committed it. */
  onApplied(listener: (events: readonly RecordedEvent[]) => void): () => void;
  /**
   * Rebuilds the named read models (all when none are named) from the first event: beside the
   * live ones (blue/green), or in place when asked or when nothing live is served.
   */
  rebuild(
    names?: readonly string[],
    options?: RebuildOptions,
  ): Promise<{ events: number; seconds: number }>;
  status(): Promise<ProjectionStatus[]>;
  /**
   * Why the read models are not moving now, if they are not: a store fault the engine is retrying
   * past, or a worker that stopped (`STALLED`: no heartbeat; `STOPPED`: exited, being restarted).
   */
  fault(): ProjectorFault | undefined;
}

/** A read model served as a previous version left it, until the version being built replaces it. */
export interface PreviousVersion {
  readModel: string;
  version: number;
  /** The last position it applied. */
  position: number;
}

export interface RebuildOptions {
  /** Empty the read models and replay into them (their queries wait, then are refused). */
  inPlace?: boolean;
}

export interface ProjectorFault {
  cause: UnavailableCause | 'STALLED' | 'STOPPED';
  detail: string;
}

export const PROJECTOR = Symbol('Projector');
