import type { AutopilotEvent } from './autopilot/domain/events';
import type { DapGrantEvent } from './delegated-admin/domain/dap-grant/events';
import type { InvitationEvent, RelationshipEvent } from './invitations/domain/events';
import type { ServiceRequestEvent } from './delegated-admin/domain/service-requests/events';
import type { SubscriptionRbacEvent } from './azure-subscriptions/domain/events';

/** Every event the product records, as the domain reads it (the current schema of each type). */
export type DomainEvent =
  | InvitationEvent
  | RelationshipEvent
  | DapGrantEvent
  | ServiceRequestEvent
  | SubscriptionRbacEvent
  | AutopilotEvent
  | AuditSealedEvent;

/**
 * A seal of the audit chain (src/audit/seal.ts), recorded on `auditseal-chain`: not a business
 * fact, but an event every reader meets. Its data is checked by the audit verifier's schema.
 */
export type AuditSealedEvent = { type: 'AuditSealed'; data: Record<string, unknown> };

export type EventType = DomainEvent['type'];
export type EventOf<Type extends EventType> = Extract<DomainEvent, { type: Type }>;
