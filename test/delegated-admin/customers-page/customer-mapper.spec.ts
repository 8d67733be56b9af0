import { decodePairSummary, encodePairSummary } from '../../../projections/gdap/gdap-pair-summary';
import { NO_SUBSCRIPTIONS } from '../../../projections/azure-subscriptions/partner-subscriptions.queries';
import type { RelationshipRow } from '../../../projections/delegated-admin/customers.queries';
import { customerMapper } from '../../../src/delegated-admin/customers-page/customer.mapper';
import { customerServices } from '../../../src/delegated-admin/domain/customer-services';
import { partnerRolesOf } from '../../../src/delegated-admin/domain/partner-capabilities';
import type { DapStatus } from '../../../src/platform/domain/pair-facts';
import { groupsOfTokenRoles } from '../../../src/gdap/domain/security-groups';
import { activeGdapView } from '../../support/gdap-view';
import { partnerUser } from '../../support/given';

const PARTNER = 'contoso-partners';
const row = (dapStatus: DapStatus, active: boolean): RelationshipRow => ({
  partner_tenant_id: PARTNER,
  customer_tenant_id: 'customer-0',
  partner_name: 'Contoso Partners',
  customer_name: 'Fabrikam',
  customer_domain: 'fabrikam.onmicrosoft.com',
  relationship_since: '2026-01-01T00:00:00.000Z',
  active: active ? 1 : 0,
  dap_status: dapStatus,
  dap_roles: dapStatus === 'ACTIVE' ? '["Global Administrator","Helpdesk Administrator"]' : '[]',
  dap_changed_at: null,
  search_name: 'fabrikam',
  search_domain: 'fabrikam.onmicrosoft.com',
});

describe('Customers page rows: the admin portals’ verdict kept per pair’s GDAP grants (R14, R67)', () => {
  it('R14, R67: one pair’s grants mapped for viewer after viewer, DAP state after DAP state, answer what the rule answers each time', () => {
    // One decoded summary, as the reader serves it to every page while its text is unchanged.
    const summary = decodePairSummary(
      PARTNER,
      'customer-0',
      encodePairSummary([activeGdapView(PARTNER, 0)]),
    );
    const viewers = [['HelpdeskAgent'], ['SalesAgent'], ['tier-two'], ['AdminAgent'], []];
    const states: [DapStatus, boolean][] = [
      ['NONE', true],
      ['NONE', false],
      ['ACTIVE', true],
      ['REMOVED', true],
    ];
    // Viewer after viewer in one DAP state, then state after state for one viewer: each key of a
    // kept verdict changes alone somewhere in the sequence.
    const sequence = [
      ...states.flatMap((state) => viewers.map((roles) => [roles, state] as const)),
      ...viewers.flatMap((roles) => states.map((state) => [roles, state] as const)),
    ];
    const seen = new Set<string>();
    for (const [roles, [dapStatus, active]] of sequence) {
      const viewer = partnerUser([], { tenantId: PARTNER, roles });
      const served = customerMapper(viewer)(row(dapStatus, active), NO_SUBSCRIPTIONS, summary);
      const ruled = customerServices(
        { tenantId: 'customer-0', domain: 'fabrikam.onmicrosoft.com' },
        {
          partnerTenantId: PARTNER,
          roles: partnerRolesOf(roles),
          groups: groupsOfTokenRoles(roles),
        },
        { relationshipActive: active, dapStatus, gdapGrants: summary.grants },
        [],
      );
      const portal = <Service extends { name: string }>(services: Service[]) =>
        services.find((service) => service.name === 'Microsoft 365');
      expect(portal(served.services)).toMatchObject({
        usable: portal(ruled)!.verdict.allowed,
        reason: portal(ruled)!.verdict.reason,
        rule: portal(ruled)!.verdict.rule,
      });
      seen.add(`${portal(ruled)!.verdict.rule} ${portal(ruled)!.verdict.allowed}`);
    }
    // The sequence crosses every kind of answer, so a verdict kept for the wrong viewer or state shows.
    expect([...seen].sort()).toEqual([
      'R13 false',
      'R14 false',
      'R14 true',
      'R67 true',
      'R7 false',
    ]);
  });
});
