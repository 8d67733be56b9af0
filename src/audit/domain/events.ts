import type { EventSchemas } from '../../platform/domain/event-evolution';

/**
 * A seal of the audit chain (src/audit/seal.ts), recorded on `auditseal-chain`: not a business
 * fact, but an event every reader meets. Its data is checked by the audit verifier's schema.
 */
export type AuditSealedEvent = { type: 'AuditSealed'; data: Record<string, unknown> };

export const AUDIT_EVENTS = {
  AuditSealed: { version: 1 },
} satisfies EventSchemas<AuditSealedEvent>;
