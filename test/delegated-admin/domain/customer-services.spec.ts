import { customerServices } from '../../../src/delegated-admin/domain/customer-services';
import type { PairFacts } from '../../../src/delegated-admin/domain/partner-capabilities';

const facts: PairFacts = { relationshipActive: true, dapStatus: 'ACTIVE' };
const viewer = { partnerTenantId: 'contoso-partners', roles: ['ADMIN_AGENT'] as const };
const links = (domain: string | null) =>
  Object.fromEntries(
    customerServices({ tenantId: 'fabrikam-id', domain }, viewer, facts, []).map((service) => [
      service.name,
      [service.adminPortalUrl, service.adminPortalUrlMissing],
    ]),
  );

describe('customer services: admin-portal links (R16)', () => {
  it('R16: a customer with a domain gets a link to every portal, each naming the tenant as that portal expects', () => {
    expect(links('fabrikam.onmicrosoft.com')).toEqual({
      'Azure Active Directory': ['https://entra.microsoft.com/fabrikam.onmicrosoft.com', null],
      'Microsoft 365': [
        'https://admin.microsoft.com/Partner/BeginClientSession.aspx?CTID=fabrikam-id&CSDEST=o365admincenter',
        null,
      ],
      Exchange: [
        'https://admin.exchange.microsoft.com/?delegatedOrg=fabrikam.onmicrosoft.com',
        null,
      ],
      SharePoint: ['https://fabrikam-admin.sharepoint.com', null],
      Teams: ['https://admin.teams.microsoft.com/?delegatedOrg=fabrikam.onmicrosoft.com', null],
      Azure: ['https://portal.azure.com/fabrikam.onmicrosoft.com', null],
    });
  });

  it('R16: without a domain no link is built from the tenant id where a domain is needed; the answer says why', () => {
    const withoutDomain = links(null);
    for (const name of ['Exchange', 'SharePoint', 'Teams']) {
      expect(withoutDomain[name]).toEqual([null, expect.stringMatching(/no domain on record/)]);
    }
    expect(withoutDomain['Microsoft 365'][0]).toContain('CTID=fabrikam-id');
    expect(withoutDomain['Azure Active Directory']).toEqual([
      'https://entra.microsoft.com/fabrikam-id',
      null,
    ]);
    expect(withoutDomain.Azure).toEqual(['https://portal.azure.com/fabrikam-id', null]);
  });

  it('R21, R23: the Azure portal’s refusal names the caller’s groups, not the partner, when another group of the partner holds a role', () => {
    const subscription = {
      subscriptionId: 'sub-1',
      displayName: 'Production',
      customerTenantId: 'fabrikam-id',
      provisionedByPartnerTenantId: 'contoso-partners',
      assignments: [
        {
          assignmentId: 'a1',
          role: 'CONTRIBUTOR' as const,
          roleDefinitionId: 'contributor',
          principal: {
            kind: 'PARTNER_GROUP' as const,
            partnerTenantId: 'contoso-partners',
            group: 'HELPDESK_AGENTS' as const,
          },
        },
      ],
    };
    const azureFor = (roles: readonly ('ADMIN_AGENT' | 'HELPDESK_AGENT' | 'SALES_AGENT')[]) =>
      customerServices(
        { tenantId: 'fabrikam-id', domain: null },
        { partnerTenantId: 'contoso-partners', roles },
        facts,
        [subscription],
      ).find((service) => service.name === 'Azure')!.verdict;
    expect(azureFor(['HELPDESK_AGENT'])).toMatchObject({ allowed: true, rule: 'R23' });
    const admin = azureFor(['ADMIN_AGENT']);
    expect(admin).toMatchObject({ allowed: false, rule: 'R21' });
    expect(admin.reason).toContain('the partner’s Admin Agents group holds no role on any of them');
    expect(azureFor(['SALES_AGENT']).reason).toContain('Sales Agents have no group of their own');
  });
});
