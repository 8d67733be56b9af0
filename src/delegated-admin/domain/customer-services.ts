import { ROLE_DISPLAY_NAMES } from '../../azure-subscriptions/domain/azure-roles';
import {
  partnerRoleAzureRoles,
  type SubscriptionFacts,
} from '../../azure-subscriptions/domain/subscription-access';
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

interface Viewer {
  partnerTenantId: string;
  roles: readonly PartnerRoleName[];
  /** Its security groups, built-in and the partner's own (GDAP, R66); default: its roles' groups. */
  groups?: readonly string[];
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

/** R21, R23: the Azure portal opens for a partner only through roles on the customer's subscriptions. */
function azurePortalVerdict(viewer: Viewer, subscriptions: readonly SubscriptionFacts[]): Verdict {
  for (const subscription of subscriptions) {
    const held = viewer.roles.flatMap((role) =>
      partnerRoleAzureRoles(role, viewer.partnerTenantId, subscription),
    );
    if (held.length > 0) {
      return {
        allowed: true,
        reason: `The partner holds ${ROLE_DISPLAY_NAMES[held[0]]} on subscription ${subscription.subscriptionId}.`,
        rule: 'R23',
      };
    }
  }
  return {
    allowed: false,
    reason:
      'DAP gives no access to Azure subscriptions, and the partner holds no role on any of them.',
    rule: 'R21',
  };
}

/**
 * R16: each service's admin portal and whether the caller may use it now. The Microsoft 365
 * portals open through DAP (R14); Azure through subscription roles only (R21, R23).
 */
export function customerServices(
  customer: CustomerRef,
  viewer: Viewer,
  facts: PairFacts,
  subscriptions: readonly SubscriptionFacts[],
): CustomerService[] {
  const portals = partnerRolesMay(viewer.roles, 'USE_ADMIN_PORTALS', facts, viewer.groups);
  return [
    ...DAP_PORTALS.map((portal) => ({
      name: portal.name,
      adminPortalUrl: portal.url(customer),
      verdict: portals,
    })),
    {
      name: 'Azure',
      adminPortalUrl: `https://portal.azure.com/${enc(domainOf(customer))}`,
      verdict: azurePortalVerdict(viewer, subscriptions),
    },
  ];
}
