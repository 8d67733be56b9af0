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
import { GDAP_EVENTS, type GdapEvent } from './gdap/domain/events';
import {
  INVITATIONS_EVENTS,
  type InvitationEvent,
  type RelationshipEvent,
} from './invitations/domain/events';
import { type EventSchemas, readEvent } from './platform/domain/event-evolution';
import { FENCE_EVENTS } from './platform/domain/revocation-fences';

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
  | AuditSealedEvent;

export type EventType = DomainEvent['type'];
export type EventOf<Type extends EventType> = Extract<DomainEvent, { type: Type }>;

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
  ...AUDIT_EVENTS,
};

/** The schema version to record an event of `type` with. */
export const schemaVersionOf = (type: EventType): number => EVENT_SCHEMAS[type].version;

/** A stored event as this version reads it (see platform/domain/event-evolution.ts). */
export const readDomainEvent = (type: string, schemaVersion: number | undefined, data: unknown) =>
  readEvent(EVENT_SCHEMAS, type, schemaVersion, data);
