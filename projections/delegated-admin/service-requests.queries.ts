import type { SqlRunner } from '../../src/platform/projection-engine/projection';

export interface ServiceRequestRow {
  service_request_id: string;
  partner_tenant_id: string;
  customer_tenant_id: string;
  title: string;
  description: string;
  opened_at: string;
  opened_by_user_id: string;
  opened_by_name: string;
  position: number;
}

export class ServiceRequestsQueries {
  constructor(private readonly db: SqlRunner) {}

  byId(serviceRequestId: string): ServiceRequestRow | undefined {
    return this.db.get<ServiceRequestRow>(
      'SELECT * FROM service_requests WHERE service_request_id = ?',
      [serviceRequestId],
    );
  }

  ofPair(partnerTenantId: string, customerTenantId: string): ServiceRequestRow[] {
    return this.db.all<ServiceRequestRow>(
      'SELECT * FROM service_requests WHERE partner_tenant_id = ? AND customer_tenant_id = ? ORDER BY position',
      [partnerTenantId, customerTenantId],
    );
  }
}
