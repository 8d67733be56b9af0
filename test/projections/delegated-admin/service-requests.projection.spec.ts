import { serviceRequestsProjection } from '../../../projections/delegated-admin/service-requests.projection';
import { at, projectionSpec, SPEC_ACTOR } from '../../support/projection-spec';

describe('service-requests projection (R13, R14)', () => {
  it('R13: an opened request is listed for its pair with who opened it and where in the log', () => {
    projectionSpec(serviceRequestsProjection)
      .given({ type: 'RelationshipEnded', data: { partnerTenantId: 'x', customerTenantId: 'y' } })
      .when({
        type: 'ServiceRequestOpened',
        data: {
          partnerTenantId: 'contoso-partners',
          customerTenantId: 'fabrikam',
          serviceRequestId: 'b3c1d2e4-0000-4000-8000-000000000001',
          title: 'Mailbox',
          description: 'Raise the quota',
        },
        occurredAt: at(2),
      })
      .then({
        service_requests: [
          {
            service_request_id: 'b3c1d2e4-0000-4000-8000-000000000001',
            partner_tenant_id: 'contoso-partners',
            customer_tenant_id: 'fabrikam',
            title: 'Mailbox',
            description: 'Raise the quota',
            opened_at: at(2),
            opened_by_user_id: SPEC_ACTOR.userId,
            opened_by_name: SPEC_ACTOR.name,
            position: 2,
          },
        ],
      });
  });
});
