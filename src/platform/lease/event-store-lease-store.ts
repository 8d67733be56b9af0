import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor';
import { type EventStore, WrongExpectedRevisionError } from '../event-store/event-store';
import {
  type LeaseRecord,
  type LeaseStore,
  type VersionedLease,
  leaseRecordOf,
} from './lease-store';
import { PRODUCT_TENANT_ID } from '../domain/ids';

/**
 * The type starts with `$`, so EventStoreDB and the adapter treat these as system events: they stay
 * out of `$all` as the read models, the audit log, the reactor and the head position see it.
 */
export const LEASE_EVENT_TYPE = '$partner-ledger-lease';

const LEASE_ACTOR: Actor = {
  userId: 'policy-lease',
  name: 'Policy lease',
  tenantId: PRODUCT_TENANT_ID,
  tenantKind: 'operator',
  roles: [],
};

/** `lease-<name>`: one stream per lease, written with expected revisions. */
export const leaseStreamOf = (name: string): string => `lease-${name}`;

/** A lease recorded in EventStoreDB itself: each write is an event on its stream. */
export class EventStoreLeaseStore implements LeaseStore {
  constructor(private readonly store: EventStore) {}

  async read(name: string): Promise<VersionedLease | null> {
    const [latest] = await this.store.readStream(leaseStreamOf(name), {
      direction: 'backwards',
      maxCount: 1,
    });
    return latest ? { record: leaseRecordOf(latest.data), version: latest.revision } : null;
  }

  async write(name: string, record: LeaseRecord, expectedVersion: number): Promise<number | null> {
    const id = randomUUID();
    try {
      const appended = await this.store.append(
        leaseStreamOf(name),
        [
          {
            id,
            type: LEASE_EVENT_TYPE,
            data: record,
            metadata: {
              actor: LEASE_ACTOR,
              correlationId: id,
              causationId: id,
              occurredAt: new Date().toISOString(),
              schemaVersion: 1,
            },
          },
        ],
        expectedVersion < 0 ? 'no_stream' : expectedVersion,
      );
      return appended.nextExpectedRevision;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return null;
      throw error;
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
