import type { ServiceRequestRow } from '../../../projections/delegated-admin/service-requests.queries';
import type { ServiceRequest } from '../delegated-admin.types';

export const toServiceRequest = (row: ServiceRequestRow): ServiceRequest => ({
  id: row.service_request_id,
  partnerTenantId: row.partner_tenant_id,
  customerTenantId: row.customer_tenant_id,
  title: row.title,
  description: row.description,
  openedAt: new Date(row.opened_at),
  openedByUserId: row.opened_by_user_id,
  openedByName: row.opened_by_name,
});
