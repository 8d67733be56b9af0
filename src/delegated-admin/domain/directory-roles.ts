/**
 * R10, R11: the directory roles DAP gives the partner's groups, as the customer's own role listing
 * shows them: the tenant's own members (by the role their token presents), never the partner's.
 */
export const LISTED_DIRECTORY_ROLES = [
  { role: 'Global Administrator', tokenRole: 'GlobalAdmin' },
  { role: 'Helpdesk Administrator', tokenRole: 'HelpdeskAdmin' },
] as const;
