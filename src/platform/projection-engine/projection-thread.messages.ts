import type { Settings } from '../config/settings';
import type { RecordedEvent } from '../event-store/event-store';
import type { Fault } from '../faults/fault-state';

export const HEARTBEAT_EVERY_MS = 1000;
/**
 * How long a worker may stay silent after announcing a long step (`busy`): a query index build
 * over 1,000,000 audit entries takes tens of seconds; a step past this is taken for a hang.
 */
export const LONG_STEP_GRACE_MS = 15 * 60_000;

/** What the worker is started with: it opens its own connections to the same stores. */
export interface WorkerInput {
  settings: Settings;
  /** A module exporting `PROJECTIONS`, the read models: the worker loads them from it. */
  projectionsModule: string;
  /** Whether to send applied events along (someone listens for live updates). */
  wantEvents: boolean;
}

export type ToWorker =
  | { type: 'start' }
  | { type: 'kick' }
  | { type: 'events'; wanted: boolean }
  | { type: 'rebuild'; id: number; names: readonly string[]; inPlace: boolean }
  | { type: 'stop' };

export type ToThread =
  | { type: 'started' }
  | {
      type: 'visible';
      position: number;
      /** Each working read model's own position. */
      positions: Record<string, number>;
      events: RecordedEvent[];
    }
  | { type: 'rebuilt'; id: number; events: number; seconds: number }
  /** `name`: the error's class name (BuildLockedError: another process builds one of them). */
  | { type: 'rebuild-failed'; id: number; message: string; name: string }
  | { type: 'error'; message: string }
  /** The worker's event loop turns (sent every HEARTBEAT_EVERY_MS). */
  | { type: 'heartbeat' }
  /** The worker starts a long step that blocks its event loop (long-steps.ts): no heartbeat until it ends. */
  | { type: 'busy'; what: string }
  /** The engine started failing for an environment fault (disk full, locked), or works again. */
  | { type: 'fault'; fault: Fault | undefined }
  /** The worker's EventStoreDB client retried a call (it reconnects). */
  | { type: 'store-reconnect' };
