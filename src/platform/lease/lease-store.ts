import { isObject } from '../common/is-object';
import type { ProcessIdentity } from '../common/process-identity';

/** What a lease's latest write says. */
export interface LeaseRecord {
  /** The holding instance (`host:pid:random`), or null once released. */
  holder: string | null;
  /** How long the holder may act after it wrote this (its own clock), unless it renews. */
  ttlMs: number;
  /** For people reading the store: when the holder's clock says it ends. Never compared. */
  expiresAt: string;
  /** The policies' checkpoint when this was written, so a new holder resumes from there. */
  checkpoint: number;
  /** The holder's process, so one restarted on the same machine need not wait out its TTL. */
  process?: ProcessIdentity;
}

/** A record and the version it was written at (the stream revision, or a row's counter). */
export interface VersionedLease {
  record: LeaseRecord;
  version: number;
}

/** Where a lease is recorded: written only by whoever saw the version it replaces. */
export interface LeaseStore {
  /** The latest record, or null when the lease was never taken. */
  read(name: string): Promise<VersionedLease | null>;
  /**
   * Writes `record` if the lease is still at `expectedVersion` (-1: never taken); resolves with the
   * new version, or null when someone else wrote first.
   */
  write(name: string, record: LeaseRecord, expectedVersion: number): Promise<number | null>;
  close(): Promise<void>;
}

/** Who holds a lease whose record cannot be read: unknown, so it is waited out for one TTL. */
export const UNREADABLE_HOLDER = '(a record that cannot be read)';

function processOf(value: unknown): ProcessIdentity | undefined {
  if (!isObject(value)) return undefined;
  const { bootId, pidNamespace, pid, startTicks } = value;
  if (typeof bootId !== 'string' || typeof pidNamespace !== 'string' || !Number.isSafeInteger(pid))
    return undefined;
  const started = typeof startTicks === 'string' ? { startTicks } : {};
  return { bootId, pidNamespace, pid: pid as number, ...started };
}

/**
 * A record as read back from the store, where anyone with access may have written anything. One
 * that is not a lease record reads as held by an unknown holder with no TTL of its own, so that
 * contenders wait out their own TTL and then take it over (instead of never, or failing to read
 * it on every tick); its checkpoint is kept only if it is a position.
 */
export function leaseRecordOf(stored: unknown): LeaseRecord {
  const value = isObject(stored) ? stored : {};
  const { checkpoint: checkpointValue, holder, ttlMs, expiresAt } = value;
  const checkpoint =
    Number.isSafeInteger(checkpointValue) && (checkpointValue as number) >= 0
      ? (checkpointValue as number)
      : 0;
  const readable =
    (holder === null || (typeof holder === 'string' && holder.length > 0)) &&
    typeof ttlMs === 'number' &&
    Number.isFinite(ttlMs) &&
    ttlMs >= 0 &&
    typeof expiresAt === 'string';
  if (!readable) return { holder: UNREADABLE_HOLDER, ttlMs: 0, expiresAt: '', checkpoint };
  const process = processOf(value.process);
  return { holder, ttlMs, expiresAt, checkpoint, ...(process ? { process } : {}) };
}
