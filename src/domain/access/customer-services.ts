import {
  partnerRolesMay,
  type PairFacts,
  type PartnerRoleName,
  type Verdict,
} from './partner-capabilities';

export interface CustomerService {
  name: string;
  adminPortalUrl: string;
  verdict: Verdict;
}

interface CustomerRef {
  tenantId: string;
  domain: string | null;
}

const enc = encodeURIComponent;
const domainOf = (customer: CustomerRef) => customer.domain ?? customer.tenantId;
/** fabrikam.onmicrosoft.com → fabrikam, as SharePoint names the tenant's admin site. */
const sharePointTenant = (customer: CustomerRef) => domainOf(customer).split('.')[0];

const DAP_PORTALS: { name: string; url: (customer: CustomerRef) => string }[] = [
  {
    name: 'Azure Active Directory',
    url: (c) => `https://entra.microsoft.com/${enc(domainOf(c))}`,
  },
  {
    name: 'Microsoft 365',
    url: (c) =>
      `https://admin.microsoft.com/Partner/BeginClientSession.aspx?CTID=${enc(c.tenantId)}&CSDEST=o365admincenter`,
  },
  {
    name: 'Exchange',
    url: (c) => `https://admin.exchange.microsoft.com/?delegatedOrg=${enc(domainOf(c))}`,
  },
  { name: 'SharePoint', url: (c) => `https://${enc(sharePointTenant(c))}-admin.sharepoint.com` },
  {
    name: 'Teams',
    url: (c) => `https://admin.teams.microsoft.com/?delegatedOrg=${enc(domainOf(c))}`,
  },
];

/**
 * R16: each service's admin portal and whether the caller may use it now. The Microsoft 365
 * portals open through DAP (R14); Azure through subscription roles only (R21).
 */
export function customerServices(
  customer: CustomerRef,
  roles: readonly PartnerRoleName[],
  facts: PairFacts,
): CustomerService[] {
  const portals = partnerRolesMay(roles, 'USE_ADMIN_PORTALS', facts);
  return [
    ...DAP_PORTALS.map((portal) => ({
      name: portal.name,
      adminPortalUrl: portal.url(customer),
      verdict: portals,
    })),
    {
      name: 'Azure',
      adminPortalUrl: `https://portal.azure.com/${enc(domainOf(customer))}`,
      verdict: {
        allowed: false,
        reason:
          'DAP gives no access to Azure subscriptions; the partner holds no role on any of them.',
        rule: 'R21',
      },
    },
  ];
}
