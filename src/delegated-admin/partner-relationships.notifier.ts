import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { livePubSub } from '../platform/graphql/live-pub-sub';
import { CLOCK, type Clock } from '../platform/config/clock';
import { PROJECTOR, type Projector } from '../platform/projection-engine/projector';
import { type DomainEvent, type EventType, pairOf } from '../events';
import { domainEventOf } from '../platform/event-store/unreadable-events';
import type { RecordedEvent } from '../platform/event-store/event-store';
import {
  CustomersQueries,
  type RelationshipRow,
} from '../../projections/delegated-admin/customers.queries';
import {
  gdapPartnerRowOf,
  GdapRelationshipsQueries,
} from '../../projections/gdap/gdap-relationships.queries';
import { SubscriptionsQueries } from '../../projections/azure-subscriptions/subscriptions.queries';
import { everReseller, resellerActive } from '../../projections/delegated-admin/relationship-row';
import { toGdapPartnerRelationship, toPartnerRelationship } from './customers-page/customer.mapper';
import type { PartnerRelationship } from './customers-page/customer.types';
import { compareText } from '../platform/common/compare-text';
import { LRUCache } from 'lru-cache';

/** What a batch changed of one pair's rows: on the partner's page, on the customer's. */
interface PairChanges {
  partnerTenantId: string;
  customerTenantId: string;
  onCustomersPage: boolean;
  onPartnersPage: boolean;
  /** The GDAP relationships whose end the batch records. */
  ended: string[];
  /** Whether the batch changes what a push resolves on delivery: GDAP, the service request count. */
  resolvedOnDelivery: boolean;
}

const ROW_CHANGING = new Set<string>([
  'RelationshipEstablished',
  'RelationshipEnded',
  'DelegatedAdminGranted',
  'DelegatedAdminRemoved',
] satisfies EventType[]);

/**
 * Azure subscription changes of a pair: its Customers page row shows the subscriptions and what
 * the partner's users may use (R16, R17); the customer's Partner relationships page shows neither.
 */
const SUBSCRIPTION_ROW_CHANGING = new Set<string>([
  'AzureSubscriptionProvisioned',
  'AzureSubscriptionProvisioningVoided',
  'AzureSubscriptionCancelled',
  'SubscriptionRoleAssigned',
  'SubscriptionRoleAssignmentRemoved',
] satisfies EventType[]);

/** Changes of the customer's Partner relationships page alone: its service request count. */
const SERVICE_REQUEST_COUNT_CHANGING = new Set<string>([
  'ServiceRequestOpened',
] satisfies EventType[]);

/** GDAP changes that can put a partner on the customer's page or take it off (R15, R67). */
const GDAP_ROW_CHANGING = new Set<string>([
  'DelegatedAdminRelationshipApproved',
  'DelegatedAdminRelationshipExpired',
  // A relationship grants nothing from its termination's request on (R64).
  'DelegatedAdminRelationshipTerminationRequested',
] satisfies EventType[]);

/**
 * GDAP changes of a pair's rows on both pages, resolved on delivery: the partner's relationships
 * with the customer (status, roles, end date, auto-extension) and which of its groups hold which
 * roles there, so what its users may use (R11, R16, R67). Every relationship and assignment event.
 */
const GDAP_SHOWN_CHANGING = new Set<string>([
  ...GDAP_ROW_CHANGING,
  ...([
    'DelegatedAdminRelationshipCreated',
    'DelegatedAdminRelationshipUpdated',
    'DelegatedAdminRelationshipApprovalRequested',
    'DelegatedAdminRelationshipApprovalExpired',
    'DelegatedAdminRelationshipDeleted',
    'DelegatedAdminRelationshipExpiring',
    'DelegatedAdminRelationshipAutoExtended',
    'DelegatedAdminRelationshipTerminated',
    'DelegatedAdminAccessAssignmentCreated',
    'DelegatedAdminAccessAssignmentActivated',
    'DelegatedAdminAccessAssignmentUpdated',
    'DelegatedAdminAccessAssignmentDeletionRequested',
    'DelegatedAdminAccessAssignmentDeleted',
  ] satisfies EventType[]),
]);

/**
 * Tells a customer's open Partner relationships page, and the partner's open Customers page, when
 * one of their rows changed.
 */
@Injectable()
export class PartnerRelationshipsNotifier implements OnModuleInit, OnModuleDestroy {
  private readonly pubSub =
    livePubSub<
      Record<
        string,
        { partnerRelationshipsChanged: PartnerRelationship } | { customersChanged: RelationshipRow }
      >
    >();
  private unsubscribe?: () => void;
  /** Pairs whose partner left the customer's page, as last pushed (bounded: a forgotten one is pushed again). */
  private readonly leftPage = new LRUCache<string, true>({ max: 10_000 });
  /** Each pair's row as last pushed to the customer's page, as JSON (bounded the same way). */
  private readonly lastPushed = new LRUCache<string, string>({ max: 10_000 });

  constructor(
    @Inject(PROJECTOR) private readonly engine: Projector,
    private readonly customers: CustomersQueries,
    private readonly gdap: GdapRelationshipsQueries,
    private readonly subscriptions: SubscriptionsQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.engine.onApplied((events) => this.publish(events));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  changesFor(customerTenantId: string): AsyncIterableIterator<unknown> {
    return this.pubSub.asyncIterableIterator(topic(customerTenantId));
  }

  /** The partner side: a row of its Customers page changed (mapped per subscriber, R16). */
  customerChangesFor(partnerTenantId: string): AsyncIterableIterator<unknown> {
    return this.pubSub.asyncIterableIterator(partnerTopic(partnerTenantId));
  }

  private publish(events: readonly RecordedEvent[]): void {
    // One push per row and batch on each page, the row read once, as it is now, after all of them.
    const pairs = new Map<string, PairChanges>();
    const changes = [
      ...events.flatMap(pairChangesOf),
      ...events.flatMap((event) => this.rolesHoldersOfCancelled(event)),
    ];
    for (const change of changes) {
      const key = `${change.partnerTenantId} ${change.customerTenantId}`;
      const seen = pairs.get(key);
      pairs.set(
        key,
        seen
          ? {
              ...seen,
              onCustomersPage: seen.onCustomersPage || change.onCustomersPage,
              onPartnersPage: seen.onPartnersPage || change.onPartnersPage,
              ended: [...seen.ended, ...change.ended],
              resolvedOnDelivery: seen.resolvedOnDelivery || change.resolvedOnDelivery,
            }
          : change,
      );
    }
    for (const [key, { partnerTenantId, customerTenantId, ...changed }] of pairs) {
      const row = this.customers.pair(partnerTenantId, customerTenantId);
      if (row && changed.onCustomersPage) {
        void this.pubSub.publish(partnerTopic(partnerTenantId), { customersChanged: row });
      }
      if (!changed.onPartnersPage) continue;
      // A revocation ends a partner's relationships in one append: it left the page once, as the
      // page last showed it (since its earliest relationship then in force).
      const pageRow = this.pageRowOf(partnerTenantId, customerTenantId, row, changed.ended);
      if (!pageRow) continue;
      // Off the page once: what it records after that (a follow-up's DAP removal) is not shown.
      const left = pageRow.relationshipActive === false;
      if (left && this.leftPage.has(key)) continue;
      // The row as last pushed, for a change it does not show (a DAP removal after an end that
      // left the partner on the page through GDAP); what is resolved on delivery always pushes.
      const pushed = JSON.stringify(pageRow);
      if (!changed.resolvedOnDelivery && this.lastPushed.get(key) === pushed) continue;
      this.lastPushed.set(key, pushed);
      if (left) this.leftPage.set(key, true);
      else this.leftPage.delete(key);
      void this.pubSub.publish(topic(customerTenantId), { partnerRelationshipsChanged: pageRow });
    }
  }

  /**
   * R16, R17: a cancelled subscription leaves the Customers page row of every partner whose groups
   * held a role on it, though the event names at most the partner that provisioned it (none, for
   * one the customer registered). Its role assignments stay recorded after the cancellation.
   */
  private rolesHoldersOfCancelled(event: RecordedEvent): PairChanges[] {
    if (event.type !== 'AzureSubscriptionCancelled') return [];
    const current = domainEventOf(event);
    if (current?.type !== 'AzureSubscriptionCancelled') return [];
    const { subscriptionId, customerTenantId } = current.data;
    const holders = new Set(
      (this.subscriptions.byId(subscriptionId)?.assignments ?? []).flatMap(({ principal }) =>
        principal.kind === 'PARTNER_GROUP' ? [principal.partnerTenantId] : [],
      ),
    );
    return [...holders].map((partnerTenantId) => ({
      partnerTenantId,
      customerTenantId,
      onCustomersPage: true,
      onPartnersPage: false,
      ended: [],
      resolvedOnDelivery: false,
    }));
  }

  /**
   * The pair's row as the customer's page shows it now (partnerRelationships), or as it left the
   * page (relationshipActive false): when the end of GDAP relationships (`endedRelationshipIds`)
   * took the partner off, the row of the earliest of them, the reseller row otherwise; none for
   * one never on the page.
   */
  private pageRowOf(
    partnerTenantId: string,
    customerTenantId: string,
    reseller: RelationshipRow | undefined,
    endedRelationshipIds: readonly string[],
  ): PartnerRelationship | undefined {
    if (reseller && resellerActive(reseller)) return toPartnerRelationship(reseller);
    const [gdap] = this.gdap.partnersInForceWith(
      customerTenantId,
      this.clock.now(),
      partnerTenantId,
    );
    if (gdap) return toGdapPartnerRelationship(gdap, customerTenantId);
    const [earliest] = endedRelationshipIds
      .flatMap((id) => this.gdap.byId(id) ?? [])
      .map(gdapPartnerRowOf)
      .sort((a, b) => compareText(a.since, b.since));
    if (earliest) {
      const row = toGdapPartnerRelationship(earliest, customerTenantId);
      return { ...row, relationshipActive: false };
    }
    return reseller && everReseller(reseller) ? toPartnerRelationship(reseller) : undefined;
  }
}

/** Which of a pair's rows `event` changes, if any (an event it cannot read changes none). */
function pairChangesOf(event: RecordedEvent): PairChanges[] {
  const rowChange = ROW_CHANGING.has(event.type);
  const gdapChange = GDAP_SHOWN_CHANGING.has(event.type);
  const subscriptionChange = SUBSCRIPTION_ROW_CHANGING.has(event.type);
  const countChange = SERVICE_REQUEST_COUNT_CHANGING.has(event.type);
  if (!rowChange && !gdapChange && !subscriptionChange && !countChange) return [];
  // Skips (and counts) an event it cannot read, bad data included: a live update never throws.
  const current = domainEventOf(event);
  if (!current) return [];
  const { partnerTenantId, customerTenantId } = pairOf(current);
  if (!partnerTenantId || !customerTenantId) return [];
  const ended = endedBy(current);
  return [
    {
      partnerTenantId,
      customerTenantId,
      onCustomersPage: rowChange || gdapChange || subscriptionChange,
      onPartnersPage: rowChange || gdapChange || countChange,
      ended: ended ? [ended] : [],
      resolvedOnDelivery: gdapChange || countChange,
    },
  ];
}

/** The GDAP relationship whose end `event` records (expiry, or termination asked), if any. */
const endedBy = (event: DomainEvent): string | null =>
  event.type === 'DelegatedAdminRelationshipExpired' ||
  event.type === 'DelegatedAdminRelationshipTerminationRequested'
    ? event.data.relationshipId
    : null;

const topic = (customerTenantId: string) => `partnerRelationships:${customerTenantId}`;
const partnerTopic = (partnerTenantId: string) => `customers:${partnerTenantId}`;
