import type { RecordedEvent } from '../../src/platform/projection-engine/projection';

interface TenantFields {
  partnerTenantId?: string;
  customerTenantId?: string;
  customer?: { tenantId?: string };
  intendedCustomer?: { tenantId?: string } | null;
}

/** Which partner and customer an event concerns, read from the fields events conventionally carry. */
export function tenantsOf(event: RecordedEvent): {
  partnerTenantId: string | null;
  customerTenantId: string | null;
} {
  const data = (event.data ?? {}) as TenantFields;
  return {
    partnerTenantId: data.partnerTenantId ?? null,
    customerTenantId:
      data.customerTenantId ?? data.customer?.tenantId ?? data.intendedCustomer?.tenantId ?? null,
  };
}

/** Typed access to an event's data inside a projection handler. */
export const dataOf = <Data>(event: RecordedEvent): Data => event.data as Data;
