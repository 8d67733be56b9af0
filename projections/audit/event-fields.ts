import { pairOf, readDomainEvent } from '../../src/events';
import type { RecordedEvent } from '../../src/platform/projection-engine/projection';

const named = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * Which partner and customer an event concerns: the pair its (upcast) data names. An event this
 * version cannot read (a newer one wrote it) names its pair in the same two fields.
 */
export function tenantsOf(event: RecordedEvent): {
  partnerTenantId: string | null;
  customerTenantId: string | null;
} {
  const reading = readDomainEvent(event.type, event.metadata?.schemaVersion, event.data);
  if (reading.readable) return pairOf(reading.event);
  const data = (event.data ?? {}) as Record<string, unknown>;
  return {
    partnerTenantId: named(data.partnerTenantId),
    customerTenantId: named(data.customerTenantId),
  };
}
