import type { ServiceRequestScope } from '../../src/delegated-admin/domain/service-request-visibility';
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

  /** Newest first, keyset-paged on the position; `otherTenantId` narrows to one pair. */
  page(
    scope: ServiceRequestScope,
    otherTenantId: string | null,
    limit: number,
    beforePosition: number | null,
  ): ServiceRequestRow[] {
    const { where, params } = whereOf(scope, otherTenantId);
    return this.db.all<ServiceRequestRow>(
      `SELECT * FROM service_requests WHERE ${where} AND position < ? ORDER BY position DESC LIMIT ?`,
      [...params, beforePosition ?? Number.MAX_SAFE_INTEGER, limit],
    );
  }

  count(scope: ServiceRequestScope, otherTenantId: string | null): number {
    const { where, params } = whereOf(scope, otherTenantId);
    return this.db.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM service_requests WHERE ${where}`,
      params,
    )!.n;
  }

  /** Requests the partner opened for the customer, up to `asOf` when given. */
  countOfPair(partnerTenantId: string, customerTenantId: string, asOf?: Date): number {
    const params = [partnerTenantId, customerTenantId];
    const upTo = asOf ? ' AND opened_at <= ?' : '';
    return this.db.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM service_requests
       WHERE partner_tenant_id = ? AND customer_tenant_id = ?${upTo}`,
      asOf ? [...params, asOf.toISOString()] : params,
    )!.n;
  }
}

function whereOf(scope: ServiceRequestScope, otherTenantId: string | null) {
  const [mine, other] =
    scope.side === 'partner'
      ? (['partner_tenant_id', 'customer_tenant_id'] as const)
      : (['customer_tenant_id', 'partner_tenant_id'] as const);
  const tenantId = scope.side === 'partner' ? scope.partnerTenantId : scope.customerTenantId;
  return otherTenantId === null
    ? { where: `${mine} = ?`, params: [tenantId] }
    : { where: `${mine} = ? AND ${other} = ?`, params: [tenantId, otherTenantId] };
}
