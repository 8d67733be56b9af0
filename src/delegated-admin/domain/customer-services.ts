import {
  PARTNER_GROUP_LABEL,
  ROLE_DISPLAY_NAMES,
} from '../../azure-subscriptions/domain/azure-roles';
import {
  type NamedSubscription,
  partnerGroupsOf,
  partnerRoleAzureRoles,
  subscriptionLabel,
} from '../../azure-subscriptions/domain/subscription-access';
import {
  partnerRolesMay,
  type PairFacts,
  type PartnerRoleName,
  type Verdict,
} from './partner-capabilities';

export interface CustomerService {
  name: string;
  /** Null where the link needs the customer's domain and the customer has none on record. */
  adminPortalUrl: string | null;
  /** Why there is no link (set exactly when `adminPortalUrl` is null). */
  adminPortalUrlMissing: string | null;
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
/** fabrikam.onmicrosoft.com → fabrikam, as SharePoint names the tenant's admin site. */
const sharePointTenant = (domain: string) => domain.split('.')[0];

/**
 * Each portal's link: from the tenant id where the portal accepts it, from the domain where only a
 * domain names the tenant (Exchange's and Teams' delegatedOrg, SharePoint's admin site).
 */
const PORTALS: { name: string; url: (tenantId: string, domain: string | null) => string | null }[] =
  [
    {
      name: 'Azure Active Directory',
      url: (id, domain) => `https://entra.microsoft.com/${enc(domain ?? id)}`,
    },
    {
      name: 'Microsoft 365',
      url: (id) =>
        `https://admin.microsoft.com/Partner/BeginClientSession.aspx?CTID=${enc(id)}&CSDEST=o365admincenter`,
    },
    {
      name: 'Exchange',
      url: (_, domain) =>
        domain && `https://admin.exchange.microsoft.com/?delegatedOrg=${enc(domain)}`,
    },
    {
      name: 'SharePoint',
      url: (_, domain) => domain && `https://${enc(sharePointTenant(domain))}-admin.sharepoint.com`,
    },
    {
      name: 'Teams',
      url: (_, domain) =>
        domain && `https://admin.teams.microsoft.com/?delegatedOrg=${enc(domain)}`,
    },
    { name: 'Azure', url: (id, domain) => `https://portal.azure.com/${enc(domain ?? id)}` },
  ];

/** The services every Customers page row lists, by name. */
export const SERVICE_NAMES: readonly string[] = PORTALS.map((portal) => portal.name);

/** The one service whose portal opens through Azure subscription roles rather than DAP. */
export const AZURE_SERVICE = 'Azure';

const NO_DOMAIN =
  'The customer has no domain on record, and this portal names the tenant by its domain; the link appears once the customer accepts an invitation with its domain.';

function portalLink(name: string, customer: CustomerRef) {
  const url = PORTALS.find((portal) => portal.name === name)!.url(
    customer.tenantId,
    customer.domain,
  );
  return { adminPortalUrl: url, adminPortalUrlMissing: url === null ? NO_DOMAIN : null };
}

/** R21, R23: the Azure portal opens for a partner only through roles on the customer's subscriptions. */
function azurePortalVerdict(viewer: Viewer, subscriptions: readonly NamedSubscription[]): Verdict {
  for (const subscription of subscriptions) {
    const held = viewer.roles.flatMap((role) =>
      partnerRoleAzureRoles(role, viewer.partnerTenantId, subscription),
    );
    if (held.length > 0) {
      return {
        allowed: true,
        reason: `The partner holds ${ROLE_DISPLAY_NAMES[held[0]]} on subscription ${subscriptionLabel(subscription)}.`,
        rule: 'R23',
      };
    }
  }
  return {
    allowed: false,
    reason: `DAP gives no access to Azure subscriptions, and ${noAzureRoleOf(viewer.roles)}.`,
    rule: 'R21',
  };
}

/** Whose roles the Azure portal looked for: the caller's groups (another may hold one). */
function noAzureRoleOf(roles: readonly PartnerRoleName[]): string {
  const groups = partnerGroupsOf(roles).map((group) => PARTNER_GROUP_LABEL[group]);
  if (groups.length === 0) {
    return 'Sales Agents have no group of their own that could hold a role on one';
  }
  return groups.length === 1
    ? `the partner’s ${groups[0]} group holds no role on any of them`
    : `the partner’s ${groups.join(' and ')} groups hold no role on any of them`;
}

/**
 * R16: each service's admin portal and whether the caller may use it now. The Microsoft 365
 * portals open through DAP (R14) or GDAP (R67), `portals` being that verdict where the caller
 * already has it; Azure through subscription roles only (R21, R23).
 */
export function customerServices(
  customer: CustomerRef,
  viewer: Viewer,
  facts: PairFacts,
  subscriptions: readonly NamedSubscription[],
  portals: Verdict = partnerRolesMay(viewer.roles, 'USE_ADMIN_PORTALS', facts, viewer.groups),
): CustomerService[] {
  return PORTALS.map(({ name }) => ({
    name,
    ...portalLink(name, customer),
    verdict: name === AZURE_SERVICE ? azurePortalVerdict(viewer, subscriptions) : portals,
  }));
}
