import {
  type PairFacts,
  type PartnerRoleName,
  partnerRolesMay,
  type Verdict,
} from '../domain/partner-capabilities';
import type { GdapGrant } from '../../platform/domain/gdap-grants';

/** A row's facts with the pair's GDAP grants in force, as a page maps it. */
export type RowFacts = PairFacts & { gdapGrants: readonly GdapGrant[] };

interface KeptVerdict {
  viewer: string;
  dapStatus: string;
  relationshipActive: boolean;
  verdict: Verdict;
}

/**
 * The admin portals' verdict (R14, R67) last worked out from each GDAP grants list. A page gets
 * the same frozen grants list for a pair while its summary is unchanged (the pair-summary reader
 * keeps it decoded), so the next page reuses the verdict instead of walking the grants and writing
 * the reason again, as long as the viewer's roles and the pair's DAP and relationship are the same;
 * the list going away takes its entry with it.
 */
const keptByGrants = new WeakMap<readonly GdapGrant[], KeptVerdict>();

/**
 * For one page's viewer: the portals' verdict of a row with GDAP grants (partnerRolesMay, kept per
 * grants list), undefined for a row without, which customerServices works out as before.
 */
export function portalsVerdicts(viewer: {
  partnerTenantId: string;
  roles: readonly PartnerRoleName[];
  groups: readonly string[];
}): (facts: RowFacts) => Verdict | undefined {
  const key = `${viewer.partnerTenantId}\u0000${viewer.roles.join()}\u0000${viewer.groups.join()}`;
  return (facts) => {
    if (facts.gdapGrants.length === 0) return undefined;
    const kept = keptByGrants.get(facts.gdapGrants);
    if (
      kept?.viewer === key &&
      kept.dapStatus === facts.dapStatus &&
      kept.relationshipActive === facts.relationshipActive
    ) {
      return kept.verdict;
    }
    const verdict = partnerRolesMay(viewer.roles, 'USE_ADMIN_PORTALS', facts, viewer.groups);
    keptByGrants.set(facts.gdapGrants, {
      viewer: key,
      dapStatus: facts.dapStatus,
      relationshipActive: facts.relationshipActive,
      verdict,
    });
    return verdict;
  };
}
