import { AUDIT_EVENTS, type AuditSealedEvent } from './audit/domain/events';
import { AUTOPILOT_EVENTS, type AutopilotEvent } from './autopilot/domain/events';
import {
  AZURE_SUBSCRIPTIONS_EVENTS,
  type SubscriptionRbacEvent,
} from './azure-subscriptions/domain/events';
import { DAP_GRANT_EVENTS, type DapGrantEvent } from './delegated-admin/domain/dap-grant/events';
import {
  SERVICE_REQUEST_EVENTS,
  type ServiceRequestEvent,
} from './delegated-admin/domain/service-requests/events';
import {
  GDAP_EVENTS,
  GDAP_REVOCATION_EVENTS,
  type GdapEvent,
  type GdapRevocationEvent,
  PARTNER_ACCESS_EVENTS,
  type PartnerAccessEvent,
} from './gdap/domain/events';
import {
  INVITATIONS_EVENTS,
  type InvitationEvent,
  type RelationshipEvent,
} from './invitations/domain/events';
import { type EventSchemas, readEvent } from './platform/domain/event-evolution';
import type { RecordedEvent } from './platform/event-store/event-store';
import {
  FENCE_EVENTS,
  type PartnerAccessRevocationClaimed,
  type PartnerAccessRevocationClaimReleased,
} from './platform/domain/revocation-fences';

export type { AuditSealedEvent };

/**
 * Every event the product records, as the domain reads it (the current schema of each type): each
 * room's part, joined here.
 */
export type DomainEvent =
  | InvitationEvent
  | RelationshipEvent
  | DapGrantEvent
  | ServiceRequestEvent
  | SubscriptionRbacEvent
  | AutopilotEvent
  | GdapEvent
  | GdapRevocationEvent
  | PartnerAccessEvent
  | PartnerAccessRevocationClaimed
  | PartnerAccessRevocationClaimReleased
  | AuditSealedEvent;

export type EventType = DomainEvent['type'];
export type EventOf<Type extends EventType> = Extract<DomainEvent, { type: Type }>;

/**
 * The fields an event names its (partner, customer) pair in, where it concerns one: the same two
 * top-level fields in every room's events. Typed over every event's data, so an event spelling
 * them with another type is a type error.
 */
export interface PairFields {
  partnerTenantId?: string | null;
  customerTenantId?: string | null;
}

/** The partner and customer `event` concerns, as far as it names them. */
export function pairOf(event: DomainEvent): {
  partnerTenantId: string | null;
  customerTenantId: string | null;
} {
  // Events that concern no pair name neither field.
  const named: PairFields = { partnerTenantId: null, customerTenantId: null, ...event.data };
  return {
    partnerTenantId: named.partnerTenantId ?? null,
    customerTenantId: named.customerTenantId ?? null,
  };
}

/** A recorded event whose data is typed by its type: one member per event type of `E`. */
export type Recorded<E extends DomainEvent = DomainEvent> = E extends DomainEvent
  ? RecordedEvent<E['type'], E['data']>
  : never;

/** The recorded event of one type, as handlers read it (upcast to its current schema). */
export type RecordedOf<Type extends EventType> = Recorded<EventOf<Type>>;

/**
 * Every event type this version knows, with its schema version: the rooms' tables, joined. Typed
 * over the whole union, so an event added to a room's union without a version is a type error.
 */
export const EVENT_SCHEMAS: EventSchemas<DomainEvent> = {
  ...INVITATIONS_EVENTS,
  ...DAP_GRANT_EVENTS,
  ...SERVICE_REQUEST_EVENTS,
  ...FENCE_EVENTS,
  ...AZURE_SUBSCRIPTIONS_EVENTS,
  ...AUTOPILOT_EVENTS,
  ...GDAP_EVENTS,
  ...GDAP_REVOCATION_EVENTS,
  ...PARTNER_ACCESS_EVENTS,
  ...AUDIT_EVENTS,
};

/** The schema version to record an event of `type` with. */
export const schemaVersionOf = (type: EventType): number => EVENT_SCHEMAS[type].version;

/** A stored event as this version reads it (see platform/domain/event-evolution.ts). */
export const readDomainEvent = (type: string, schemaVersion: number | undefined, data: unknown) =>
  readEvent(EVENT_SCHEMAS, type, schemaVersion, data);
