import type { Settings } from '../config/settings';
import type { EventStore } from '../event-store/event-store';
import { EventStoreLeaseStore } from '../lease/event-store-lease-store';
import { Lease, type LeaseHooks, type LeaseStatus } from '../lease/lease';
import { SqliteLeaseStore } from '../lease/sqlite-lease-store';
import { eventsFile } from '../event-store/event-store.factory';

/** What the PolicyReactor needs of its lease: run only while held. */
export interface PolicyLease {
  readonly held: boolean;
  start(hooks: LeaseHooks): Promise<void>;
  stop(): Promise<void>;
  status(): LeaseStatus;
}

export const POLICY_LEASE = Symbol('PolicyLease');

/** The lease's name: its stream is `lease-policies` (EventStoreDB), its row `policies` (SQLite). */
export const POLICY_LEASE_NAME = 'policies';

/** A process that is the only one on its store (tests that build a reactor by hand). */
export const SOLE_INSTANCE: PolicyLease = {
  held: true,
  start: () => Promise.resolve(),
  stop: () => Promise.resolve(),
  status: () => ({ held: true, holder: 'this process', self: 'this process', checkpoint: 0 }),
};

/**
 * Policies and scheduled transitions run on one instance at a time: the lease is recorded in
 * EventStoreDB itself (a stream written with expected revisions), or on the embedded store in a
 * table of `events.db`, so one process per file runs them.
 */
export function createPolicyLease(
  settings: Pick<Settings, 'EVENTSTORE_URL' | 'DATA_DIR' | 'POLICY_LEASE_TTL_MS'>,
  store: EventStore,
  logger: { log(message: string): void; warn(message: string): void },
): PolicyLease {
  const leaseStore = settings.EVENTSTORE_URL
    ? new EventStoreLeaseStore(store)
    : new SqliteLeaseStore(eventsFile(settings));
  const lease = new Lease(leaseStore, POLICY_LEASE_NAME, {
    ttlMs: settings.POLICY_LEASE_TTL_MS,
    log: (message) => logger.log(message),
    warn: (message) => logger.warn(message),
  });
  return {
    get held() {
      return lease.held;
    },
    start: (hooks) => lease.start(hooks),
    stop: async () => {
      await lease.stop();
      await leaseStore.close();
    },
    status: () => lease.status(),
  };
}
