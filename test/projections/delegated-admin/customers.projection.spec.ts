import { DAP_ROLE_ASSIGNMENTS } from '../../../src/delegated-admin/domain/dap-grant/events';
import { customersProjection } from '../../../projections/delegated-admin/customers.projection';
import { at, projectionSpec, type SpecEvent } from '../../support/projection-spec';

const fabrikam = { tenantId: 'fabrikam', name: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com' };
const pair = { partnerTenantId: 'contoso-partners', customerTenantId: 'fabrikam' };

const established = (minute: number, name = 'Fabrikam'): SpecEvent => ({
  type: 'RelationshipEstablished',
  data: {
    ...pair,
    partnerName: 'Contoso Partners',
    customer: { ...fabrikam, name },
    invitationId: 'i1',
  },
  occurredAt: at(minute),
});
const granted = (minute: number): SpecEvent => ({
  type: 'DelegatedAdminGranted',
  data: {
    ...pair,
    partnerName: 'Contoso Partners',
    customerName: 'Fabrikam',
    invitationId: 'i1',
    roles: [...DAP_ROLE_ASSIGNMENTS],
  },
  occurredAt: at(minute),
});
const removed = (minute: number): SpecEvent => ({
  type: 'DelegatedAdminRemoved',
  data: { ...pair, reason: 'REMOVED_BY_CUSTOMER' },
  occurredAt: at(minute),
});
const ended: SpecEvent = { type: 'RelationshipEnded', data: pair };

const row = {
  partner_tenant_id: 'contoso-partners',
  customer_tenant_id: 'fabrikam',
  partner_name: 'Contoso Partners',
  customer_name: 'Fabrikam',
  customer_domain: 'fabrikam.onmicrosoft.com',
  relationship_since: at(1),
  active: 1,
  dap_status: 'NONE',
  dap_roles: '[]',
  dap_changed_at: null,
  search_name: 'fabrikam',
  search_domain: 'fabrikam.onmicrosoft.com',
};

describe('customers projection: the Customers and Partner relationships pages (R15, R16)', () => {
  const spec = projectionSpec(customersProjection);

  it('R16: an established relationship is a customer row without DAP', () => {
    spec.when(established(1)).then({ customers: [row] });
  });

  it('R10: DAP granted shows its directory roles', () => {
    spec
      .given(established(1))
      .when(granted(2))
      .then({
        customers: [
          {
            ...row,
            dap_status: 'ACTIVE',
            dap_roles: '["Global Administrator","Helpdesk Administrator"]',
            dap_changed_at: at(2),
          },
        ],
      });
  });

  it('R8: a renegotiation while DAP is active changes no row: DAP changed when it became active', () => {
    const activeSince2 = {
      ...row,
      dap_status: 'ACTIVE',
      dap_roles: '["Global Administrator","Helpdesk Administrator"]',
      dap_changed_at: at(2),
    };
    spec
      .given(established(1), granted(2))
      .when(granted(3))
      .then({ customers: [activeSince2] });
    spec
      .given(established(1), granted(2), removed(3))
      .when(granted(4))
      .then({ customers: [{ ...activeSince2, dap_changed_at: at(4) }] });
  });

  it('R12, R16: version 4, kept up while version 5 builds, writes the same rows (5 changed an index)', () => {
    for (const projection of [customersProjection, customersProjection.previous!]) {
      projectionSpec(projection)
        .given(established(1), granted(2))
        .when(removed(3))
        .then({
          customers: [{ ...row, dap_status: 'REMOVED', dap_roles: '[]', dap_changed_at: at(3) }],
        });
    }
    expect(customersProjection.previous?.version).toBe(customersProjection.version - 1);
  });

  it('R12: DAP removed keeps the relationship, without roles', () => {
    spec
      .given(established(1), granted(2))
      .when(removed(3))
      .then({
        customers: [{ ...row, dap_status: 'REMOVED', dap_roles: '[]', dap_changed_at: at(3) }],
      });
  });

  it('R9: an ended relationship stays as an inactive row; re-established, it is active again', () => {
    spec
      .given(established(1))
      .when(ended)
      .then({ customers: [{ ...row, active: 0 }] });
    spec
      .given(established(1), granted(2), ended)
      .when(established(4, 'Fabrikam Ltd'))
      .then({
        customers: [
          {
            ...row,
            customer_name: 'Fabrikam Ltd',
            search_name: 'fabrikam ltd',
            relationship_since: at(4),
            dap_status: 'ACTIVE',
            dap_roles: '["Global Administrator","Helpdesk Administrator"]',
            dap_changed_at: at(2),
          },
        ],
      });
  });

  it('R16: the name and domain are kept as searched: accents and case dropped, spaces collapsed', () => {
    spec
      .when({
        type: 'RelationshipEstablished',
        data: {
          ...pair,
          partnerName: 'Contoso Partners',
          customer: {
            tenantId: 'fabrikam',
            name: '  Société  GÉNÉRALE Ærø ',
            domain: 'SG.Example',
          },
          invitationId: 'i1',
        },
        occurredAt: at(1),
      })
      .then({
        customers: [
          {
            ...row,
            customer_name: '  Société  GÉNÉRALE Ærø ',
            customer_domain: 'SG.Example',
            search_name: 'societe generale ærø',
            search_domain: 'sg.example',
          },
        ],
      });
  });

  it('DAP events for a pair without a relationship change nothing', () => {
    spec.when(granted(1), removed(2), ended).then({ customers: [] });
  });

  it('a relationship established before schema version 2 still reads (literal v1 payload)', () => {
    spec
      .when({
        type: 'RelationshipEstablished',
        schemaVersion: 1,
        data: {
          partnerTenantId: 'contoso-partners',
          partnerName: 'Contoso Partners',
          customer: fabrikam,
          invitationId: 'i1',
        },
        occurredAt: at(1),
      })
      .then({ customers: [row] });
  });
});
