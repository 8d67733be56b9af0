import { DAP_ROLE_ASSIGNMENTS } from '../../../src/delegated-admin/domain/dap-grant/events';
import { customersProjection } from '../../../projections/delegated-admin/customers.projection';
import { at, projectionSpec, type SpecEvent } from '../../support/projection-spec';
import { DIRECTORY_ROLES } from '../../../src/gdap/domain/role-catalogue';
import {
  GDAP_APPROVED,
  GDAP_PAIR,
  GDAP_RELATIONSHIP_ID,
  gdapCreated,
} from '../../support/gdap-spec-events';

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
  reseller_active: 1,
  reseller_since: at(1),
  gdap_in_force: 0,
};
/** The same row as version 5 wrote it (no GDAP listing). */
const { reseller_active: _, reseller_since: __, gdap_in_force: ___, ...resellerRowV5 } = row;

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

  it('R12, R16: version 5, kept up while version 6 builds, writes the reseller rows as before', () => {
    const dapRemoved = { dap_status: 'REMOVED', dap_roles: '[]', dap_changed_at: at(3) };
    projectionSpec(customersProjection.previous!)
      .given(established(1), granted(2))
      .when(removed(3))
      .then({ customers: [{ ...resellerRowV5, ...dapRemoved }] });
    projectionSpec(customersProjection.previous!)
      .given(established(1), granted(2), removed(3))
      .when(ended)
      .then({ customers: [{ ...resellerRowV5, ...dapRemoved, active: 0 }] });
    spec
      .given(established(1), granted(2))
      .when(removed(3))
      .then({ customers: [{ ...row, ...dapRemoved }] });
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
      .then({ customers: [{ ...row, active: 0, reseller_active: 0 }] });
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
            reseller_since: at(4),
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

describe('customers projection: customers listed through GDAP relationships in force (R16, R62–R64)', () => {
  const spec = projectionSpec(customersProjection);
  const created = { ...gdapCreated([DIRECTORY_ROLES.USER_ADMINISTRATOR]), occurredAt: at(1) };
  const approved = { ...GDAP_APPROVED, occurredAt: at(2) };
  const second = `22222222-2222-4222-8222-222222222222@contoso-partners`;
  /** The relationship as the projection keeps it apart, from creation until it ends. */
  const kept = (approvedAt: string | null, customerName: string | null = null) => ({
    relationship_id: GDAP_RELATIONSHIP_ID,
    partner_tenant_id: 'contoso-partners',
    customer_tenant_id: 'fabrikam',
    partner_name: 'Contoso Partners',
    customer_name: customerName,
    approved_at: approvedAt,
  });
  const gdapOnly = {
    ...row,
    customer_name: 'fabrikam',
    customer_domain: null,
    search_domain: null,
    relationship_since: at(2),
    reseller_active: 0,
    reseller_since: null,
    gdap_in_force: 1,
  };
  const ending = (type: string, minute: number, relationshipId = GDAP_RELATIONSHIP_ID) =>
    ({
      type,
      data: { ...GDAP_PAIR, relationshipId, endDateTime: '2025-05-30T09:02:00.000Z' },
      occurredAt: at(minute),
    }) as SpecEvent;

  it('R16, R62: an approved relationship lists a customer with no reseller relationship, named as the partner gave it until approval names it', () => {
    spec.when(created).then({
      customers: [],
      customers_gdap: [kept(null)],
    });
    spec
      .given(created)
      .when(approved)
      .then({ customers: [gdapOnly], customers_gdap: [kept(at(2))] });
    const named = {
      ...created,
      data: { ...created.data, customerDisplayName: 'Fabrikam Inc' },
    } as SpecEvent;
    spec
      .given(named)
      .when(approved)
      .then({
        customers: [{ ...gdapOnly, customer_name: 'Fabrikam Inc', search_name: 'fabrikam inc' }],
        customers_gdap: [kept(at(2), 'Fabrikam Inc')],
      });
    const byToken = {
      ...approved,
      data: { ...approved.data, customerDisplayName: 'Fabrikam' },
    } as SpecEvent;
    spec
      .given(named)
      .when(byToken)
      .then({
        customers: [{ ...gdapOnly, customer_name: 'Fabrikam', search_name: 'fabrikam' }],
        customers_gdap: [kept(at(2), 'Fabrikam Inc')],
      });
  });

  it('R16, R62: the approving token’s domain is shown and searched; a later approval keeps the name a token gave unless its own token gives one', () => {
    const byToken = {
      ...approved,
      data: {
        ...approved.data,
        customerDisplayName: 'Fabrikam',
        customerDomain: 'Fabrikam.Example',
      },
    } as SpecEvent;
    const listed = {
      ...gdapOnly,
      customer_name: 'Fabrikam',
      search_name: 'fabrikam',
      customer_domain: 'Fabrikam.Example',
      search_domain: 'fabrikam.example',
    };
    spec
      .given(created)
      .when(byToken)
      .then({ customers: [listed] });
    const second = '22222222-2222-4222-8222-222222222222@contoso-partners';
    const typed = {
      ...created,
      data: { ...created.data, relationshipId: second, customerDisplayName: 'Typed by Contoso' },
    } as SpecEvent;
    const approvedWithoutName = {
      ...approved,
      data: { ...approved.data, relationshipId: second, activatedAt: at(4) },
      occurredAt: at(4),
    } as SpecEvent;
    spec
      .given(created, byToken, typed)
      .when(approvedWithoutName)
      .then({ customers: [{ ...listed, gdap_in_force: 2 }] });
    const renamed = {
      ...approvedWithoutName,
      data: { ...approvedWithoutName.data, customerDisplayName: 'Fabrikam Ltd' },
    } as SpecEvent;
    spec
      .given(created, byToken, typed)
      .when(renamed)
      .then({
        customers: [
          {
            ...listed,
            customer_name: 'Fabrikam Ltd',
            search_name: 'fabrikam ltd',
            gdap_in_force: 2,
          },
        ],
      });
  });

  it('R63, R64: an expiry or a termination request takes the relationship off; the customer leaves the page with its last', () => {
    for (const type of [
      'DelegatedAdminRelationshipExpired',
      'DelegatedAdminRelationshipTerminationRequested',
      'DelegatedAdminRelationshipTerminated',
    ]) {
      spec
        .given(created, approved)
        .when(ending(type, 5))
        .then({
          customers: [{ ...gdapOnly, active: 0, gdap_in_force: 0 }],
          customers_gdap: [],
        });
    }
    const secondCreated = {
      ...created,
      data: { ...created.data, relationshipId: second },
    } as SpecEvent;
    const secondApproved = {
      ...approved,
      data: { ...approved.data, relationshipId: second, activatedAt: at(4) },
      occurredAt: at(4),
    } as SpecEvent;
    spec
      .given(created, approved, secondCreated)
      .when(secondApproved)
      .then({
        customers: [{ ...gdapOnly, gdap_in_force: 2 }],
        customers_gdap: [kept(at(2)), { ...kept(at(4)), relationship_id: second }],
      });
    spec
      .given(created, approved, secondCreated, secondApproved)
      .when(ending('DelegatedAdminRelationshipTerminationRequested', 5))
      .then({
        customers: [{ ...gdapOnly, relationship_since: at(4), gdap_in_force: 1 }],
        customers_gdap: [{ ...kept(at(4)), relationship_id: second }],
      });
    spec
      .given(created, approved, ending('DelegatedAdminRelationshipTerminationRequested', 5))
      .when(ending('DelegatedAdminRelationshipTerminated', 6))
      .then({
        customers: [{ ...gdapOnly, active: 0, gdap_in_force: 0 }],
        customers_gdap: [],
      });
  });

  it('R9, R16: a reseller relationship ended while GDAP is in force keeps the customer listed, since its approval; established again, since the reseller relationship', () => {
    const both = { ...row, gdap_in_force: 1 };
    spec
      .given(established(1), created)
      .when(approved)
      .then({ customers: [both], customers_gdap: [kept(at(2))] });
    spec
      .given(established(1), created, approved)
      .when(ended)
      .then({
        customers: [{ ...both, reseller_active: 0, relationship_since: at(2) }],
        customers_gdap: [kept(at(2))],
      });
    spec
      .given(established(1), created, approved, ended)
      .when(established(4))
      .then({
        customers: [{ ...both, relationship_since: at(4), reseller_since: at(4) }],
        customers_gdap: [kept(at(2))],
      });
    spec
      .given(established(1), created, approved, ended)
      .when(ending('DelegatedAdminRelationshipExpired', 5))
      .then({
        customers: [{ ...both, active: 0, reseller_active: 0, gdap_in_force: 0 }],
        customers_gdap: [],
      });
  });

  it('R16: version 5, kept up while version 6 builds, lists no customer through GDAP', () => {
    projectionSpec(customersProjection.previous!)
      .given(created)
      .when(approved)
      .then({ customers: [] });
  });
});
