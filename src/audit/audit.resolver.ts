import { Inject } from '@nestjs/common';
import { Args, Context, Int, Query, Resolver, Subscription } from '@nestjs/graphql';
import {
  type AuditFilter,
  type AuditScope,
  auditScopeOf,
  inAuditScope,
  mayReadStream,
  isAnotherTenants,
  ruledOutByName,
  type StreamParties,
} from './domain/audit-visibility';
import { STREAM_FOLDERS, type StreamFolder } from '../platform/capability';
import type { Actor } from '../platform/domain/actor';
import { invalidInput, notFound } from '../platform/domain/domain-error';
import { checkUserId, givenTenantId, quote } from '../platform/domain/ids';
import { AUTOPILOT_CATEGORY, parseStreamId } from '../platform/domain/streams';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../platform/event-store/event-store';
import { CurrentActor } from '../platform/graphql/current-actor.decorator';
import { type RequestContext, shareOf } from '../platform/graphql/request-context';
import { connectionOf } from '../platform/graphql/connection';
import { decodeCursor, encodeCursor, pageSize } from '../platform/graphql/cursor';
import { ReadSide } from '../platform/read-store/read-side';
import { isRequestId } from '../platform/observability/request-id';
import { AuditQueries } from '../../projections/audit/audit.queries';
import { CustomersQueries } from '../../projections/delegated-admin/customers.queries';
import { resellerActive } from '../../projections/delegated-admin/relationship-row';
import { GdapRelationshipsQueries } from '../../projections/gdap/gdap-relationships.queries';
import { AuditAppendedNotifier } from './audit-appended.notifier';
import { toAuditEntry } from './audit.mapper';
import { pageDataLoader } from './referenced-events';
import { AuditConnection, AuditEntry, AuditFilterInput, HistoryEvent } from './audit.types';
import { HISTORY_MAX_COUNT, historyData, historyWindow, readHistory } from './stream-history';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { millisecondRange } from '../platform/common/date-time';

/**
 * R42: who did it is shown only where auditLog would show this event to the caller. Stored
 * metadata that cannot be read names no one, and its moment is the store's record of the event.
 */
function whoAndWhen(
  scope: AuditScope,
  event: RecordedEvent,
  parties: StreamParties,
): Pick<HistoryEvent, 'actor' | 'occurredAt'> {
  if (event.malformedMetadata) return { actor: null, occurredAt: event.created };
  const { actor, occurredAt, correlationId } = event.metadata;
  const visible = inAuditScope(scope, {
    type: event.type,
    occurredAt,
    actorUserId: actor.userId,
    actorTenantId: actor.tenantId,
    actorTenantKind: actor.tenantKind,
    correlationId,
    ...parties,
  });
  return { actor: visible ? actor : null, occurredAt: new Date(occurredAt) };
}

interface AuditKey {
  position: number;
}

const isAuditKey = (value: unknown): value is AuditKey =>
  typeof value === 'object' && value !== null && Number.isSafeInteger((value as AuditKey).position);

const EVENT_TYPES_MAX = 50;
const NOT_A_READABLE_STREAM = 'No such stream among those you may read.';
const EVENT_TYPE = /^[A-Za-z]{1,100}$/;

/** The filter with its ids checked (ids.ts): a refusal never quotes unbounded input. */
function auditFilterOf(input: AuditFilterInput | null | undefined): AuditFilter {
  const given = input ?? {};
  // An empty id is checked too, and refused: it is no id, not "any".
  const filter: AuditFilter = {
    ...given,
    customerTenantId: givenTenantId(given.customerTenantId, 'customerTenantId'),
    partnerTenantId: givenTenantId(given.partnerTenantId, 'partnerTenantId'),
    actorUserId:
      given.actorUserId != null ? checkUserId(given.actorUserId, 'actorUserId') : given.actorUserId,
  };
  const eventTypes = filter.eventTypes ?? [];
  // An empty list names no type, not any: refused, as an empty id is, rather than read as no filter.
  if (filter.eventTypes != null && eventTypes.length === 0) {
    throw invalidInput('eventTypes is empty: name at least one event type, or leave it out.');
  }
  if (eventTypes.length > EVENT_TYPES_MAX || eventTypes.some((type) => !EVENT_TYPE.test(type))) {
    throw invalidInput(
      `eventTypes holds at most ${EVENT_TYPES_MAX} event type names (letters only, such as DelegatedAdminRemoved).`,
    );
  }
  if (filter.correlationId != null && !isRequestId(filter.correlationId)) {
    throw invalidInput(
      'correlationId is a request id: 1 to 128 letters, digits and ._:@/+=- (what x-request-id answered).',
    );
  }
  const ranged = millisecondRange(filter);
  if (!ranged) {
    throw invalidInput(
      'The filter’s `from` must be before its `to` (entries are timed to the millisecond).',
    );
  }
  return ranged;
}

/** The audit log (R41, R42), one aggregate's history (R43) and live audit entries. */
@Resolver()
export class AuditResolver {
  constructor(
    private readonly readSide: ReadSide,
    private readonly audit: AuditQueries,
    private readonly customers: CustomersQueries,
    private readonly gdap: GdapRelationshipsQueries,
    private readonly notifier: AuditAppendedNotifier,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(STREAM_FOLDERS)
    private readonly streamFolderOf: (streamId: string) => StreamFolder | undefined,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @Query(() => AuditConnection, {
    description: 'R41, R42: every event the caller may see, newest first; `first` at most 500.',
  })
  async auditLog(
    @CurrentActor() actor: Actor,
    @Args('filter', { type: () => AuditFilterInput, nullable: true }) input?: AuditFilterInput,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<AuditConnection> {
    const scope = auditScopeOf(actor);
    const filter = auditFilterOf(input);
    const size = pageSize(first, 50, 500);
    const before = decodeCursor('auditLog', after, isAuditKey)?.position ?? null;
    await this.readSide.ready('audit');
    const rows = this.audit.newestFirst(scope, filter, size + 1, before);
    const eventDataOf = pageDataLoader(this.store, rows.slice(0, size));
    return connectionOf(
      rows,
      size,
      (row) => toAuditEntry(row, eventDataOf(row)),
      (row) => encodeCursor('auditLog', { position: row.position }),
      // Counted only when asked for: a COUNT grows with the log.
      () => this.audit.count(scope, filter),
    );
  }

  @Query(() => [HistoryEvent], {
    description: `R43: one aggregate’s events in order, each with its state after; NOT_FOUND unless the caller may read them (R42). An event the caller could not read in auditLog shows no actor (R42); in a stream of several tenants (a partner’s GDAP stream, a customer’s Autopilot stream) an event naming another tenant of the caller’s kind is left out, and the state from it on, as is, to a partner, an event of a subscription’s stream naming no partner (the customer’s own access, R23) or, to a partner without a reseller relationship with the customer now, an event of the customer’s Autopilot stream naming no partner (the customer’s own acts, R9, R30); a fence written for a partner does not make it a reader. A long stream is read a window at a time: from \`fromRevision\` (default 0), at most \`maxCount\` events (1 to ${HISTORY_MAX_COUNT}; default: to the end); an answer that would pass GRAPHQL_MAX_RESPONSE_BYTES (shared equally by the operation’s history, effectiveAccess and partnerRelationships fields) is refused with RESPONSE_TOO_LARGE naming the revision it passed it at. Who may read is judged by the events up to the window’s end.`,
  })
  async history(
    @CurrentActor() actor: Actor,
    @Context() context: RequestContext,
    @Args('streamId') streamIdInput: string,
    @Args('fromRevision', { type: () => Int, nullable: true }) fromRevision?: number,
    @Args('maxCount', { type: () => Int, nullable: true }) maxCount?: number,
  ): Promise<HistoryEvent[]> {
    // Every stream name is lower case (tenant ids and UUIDs are, streams.ts): `Autopilot-HOTEL` is
    // the customer hotel's stream, as its tenant id is.
    const streamId = streamIdInput.trim().toLowerCase();
    const parsed = parseStreamId(streamId);
    if (!parsed) {
      throw invalidInput(`${quote(streamIdInput)} is not a stream name (category-id).`);
    }
    const window = historyWindow(fromRevision, maxCount);
    if (ruledOutByName(actor, parsed)) throw notFound(NOT_A_READABLE_STREAM);
    const partnersRegistry =
      parsed.category === AUTOPILOT_CATEGORY && actor.tenantKind === 'partner';
    const related = partnersRegistry
      ? await this.relatedTo(actor.tenantId, parsed.ids[0])
      : { ever: true, now: false };
    if (!related.ever) throw notFound(NOT_A_READABLE_STREAM);
    const relationshipActive = related.now;
    const anotherTenants = (parties: StreamParties) =>
      isAnotherTenants(actor, parties, streamId, relationshipActive);
    const mayRead = (readers: StreamParties[]) =>
      readers.length > 0 && mayReadStream(actor, readers);
    const { items, readers } = await readHistory(
      this.store,
      streamId,
      window,
      this.streamFolderOf(streamId),
      shareOf(this.settings.GRAPHQL_MAX_RESPONSE_BYTES, context),
      anotherTenants,
      mayRead,
    );
    if (!mayRead(readers)) throw notFound(NOT_A_READABLE_STREAM);
    const scope = auditScopeOf(actor);
    return items
      .filter((item) => !anotherTenants(item.parties))
      .map(({ event, parties: ofEvent, stateAfter, afterAnotherTenants }) => ({
        position: event.position,
        revision: event.revision,
        type: event.type,
        ...whoAndWhen(scope, event, ofEvent),
        data: historyData(event),
        unreadable: event.malformed ?? null,
        stateAfter: afterAnotherTenants ? null : stateAfter,
      }));
  }

  /**
   * How the partner is related to the customer whose Autopilot registry it asks for. `ever`: it
   * has had a reseller relationship with it, or a GDAP relationship it approved; only such a
   * partner can have acted on the registry (R30) and so be named there, so another is refused
   * before the registry is read, and the refusal's time does not tell how large it is (R17).
   * `now`: it resells to the customer, as the Customers page says (R9).
   */
  private async relatedTo(
    partnerTenantId: string,
    customerTenantId: string,
  ): Promise<{ ever: boolean; now: boolean }> {
    await this.readSide.ready('customers', 'gdap-relationships');
    const pair = this.customers.pair(partnerTenantId, customerTenantId);
    return {
      ever: pair !== undefined || this.gdap.approvedWith(partnerTenantId, customerTenantId),
      now: pair !== undefined && resellerActive(pair),
    };
  }

  @Subscription(() => AuditEntry, {
    description: 'New audit entries as they are recorded, with auditLog’s visibility (R42).',
  })
  auditAppended(
    @CurrentActor() actor: Actor,
    @Args('filter', { type: () => AuditFilterInput, nullable: true }) input?: AuditFilterInput,
  ) {
    return this.notifier.entriesFor(auditScopeOf(actor), auditFilterOf(input));
  }
}
