import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { withFilter } from 'graphql-subscriptions';
import { livePubSub } from '../platform/graphql/live-pub-sub';
import {
  type AuditFacts,
  type AuditFilter,
  type AuditScope,
  inAuditScope,
  matchesAuditFilter,
} from './domain/audit-visibility';
import { EVENT_STORE, type EventStore } from '../platform/event-store/event-store';
import { PROJECTOR, type Projector } from '../platform/projection-engine/projector';
import { AuditQueries } from '../../projections/audit/audit.queries';
import { auditFactsOf, toAuditEntry } from './audit.mapper';
import { pageDataLoader } from './referenced-events';
import type { AuditEntry } from './audit.types';

const TOPIC = 'auditAppended';
const PAGE = 500;

interface Appended {
  auditAppended: AuditEntry;
  facts: AuditFacts;
}

/** Streams each new audit entry, once its read model holds it, to the subscribers allowed to see it. */
@Injectable()
export class AuditAppendedNotifier implements OnModuleInit, OnModuleDestroy {
  private readonly pubSub = livePubSub<Record<typeof TOPIC, Appended>>();
  /** Entries up to here were published (or existed before start): replays never go out again. */
  private published: number | undefined;
  private unsubscribe?: () => void;

  constructor(
    @Inject(PROJECTOR) private readonly engine: Projector,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly audit: AuditQueries,
  ) {}

  /**
   * Entries that existed when the server started are not news, but the store's head is not awaited
   * here: a store that cannot answer yet (EventStoreDB down) must not hold up the start. Until it
   * answers, nothing is published.
   */
  onModuleInit(): void {
    this.unsubscribe = this.engine.onApplied(() => this.publishNew());
    void this.store.headPosition().then(
      (head) => (this.published = Math.max(this.published ?? 0, head)),
      () => (this.published = 0),
    );
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  entriesFor(scope: AuditScope, filter: AuditFilter) {
    return withFilter<Appended>(
      () => this.pubSub.asyncIterableIterator(TOPIC),
      (appended) =>
        !!appended &&
        inAuditScope(scope, appended.facts) &&
        matchesAuditFilter(filter, appended.facts),
    )();
  }

  private publishNew(): void {
    if (this.published === undefined) return;
    for (;;) {
      const rows = this.audit.oldestFirst({ kind: 'everything' }, {}, PAGE, this.published);
      // Read from the event store only if a subscriber selects `data`, once for the page.
      const eventDataOf = pageDataLoader(this.store, rows);
      for (const row of rows) {
        void this.pubSub.publish(TOPIC, {
          auditAppended: toAuditEntry(row, eventDataOf(row)),
          facts: auditFactsOf(row),
        });
        this.published = row.position;
      }
      if (rows.length < PAGE) return;
    }
  }
}
