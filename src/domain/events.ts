import type { AutopilotEvent } from './autopilot/events';
import type { DapGrantEvent } from './dap-grant/events';
import type { InvitationEvent, RelationshipEvent } from './relationship/events';
import type { ServiceRequestEvent } from './service-requests/events';
import type { SubscriptionRbacEvent } from './subscription-rbac/events';

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
