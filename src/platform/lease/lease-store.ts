import type { ProcessIdentity } from './process-identity';

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
