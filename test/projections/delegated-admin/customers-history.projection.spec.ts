import { customersHistoryProjection } from '../../../projections/delegated-admin/customers-history.projection';
import { at, projectionSpec, type SpecEvent } from '../../support/projection-spec';

const pair = { partnerTenantId: 'contoso-partners', customerTenantId: 'fabrikam' };
const established: SpecEvent = {
  type: 'RelationshipEstablished',
  data: {
    ...pair,
    partnerName: 'Contoso Partners',
    customer: { tenantId: 'fabrikam', name: 'Fabrikam' },
    invitationId: 'i1',
  },
  occurredAt: at(1),
};
const row = {
  partner_tenant_id: 'contoso-partners',
  customer_tenant_id: 'fabrikam',
  partner_name: 'Contoso Partners',
  customer_name: 'Fabrikam',
  customer_domain: null,
  relationship_since: at(1),
  active: 1,
  dap_status: 'NONE',
  dap_roles: '[]',
  dap_changed_at: null,
  search_name: 'fabrikam',
  search_domain: null,
  reseller_active: 1,
  reseller_since: at(1),
  gdap_in_force: 0,
};

describe('customers-history projection: every version of a customers row (R43)', () => {
  it('R43: a change closes the version before it; an event that changes nothing adds none', () => {
    projectionSpec(customersHistoryProjection)
      .given(established)
      .when(
        { type: 'RelationshipEnded', data: pair, occurredAt: at(3) },
        { type: 'RelationshipEnded', data: pair, occurredAt: at(4) },
      )
      .then({
        customers_history: [
          {
            ...row,
            valid_from_position: 1,
            valid_to_position: 2,
            valid_from: at(1),
            valid_to: at(3),
          },
          {
            ...row,
            active: 0,
            reseller_active: 0,
            valid_from_position: 2,
            valid_to_position: null,
            valid_from: at(3),
            valid_to: null,
          },
        ],
        customers_history_clock: [{ id: 1, position: 3, at: at(4) }],
      });
  });
});
