import type { GdapGrant } from './gdap-grants';

/** The pair's DAP as its stream says: never granted, in force, or removed. */
export type DapStatus = 'NONE' | 'ACTIVE' | 'REMOVED';

/**
 * What is true of one (partner, customer) pair right now. The platform's revocation fences
 * (revocation-fences.ts) take these facts away; the rooms' access rules read them.
 */
export interface PairFacts {
  relationshipActive: boolean;
  dapStatus: DapStatus;
  /** The active GDAP access assignments in force now (R67); absent: none. */
  gdapGrants?: readonly GdapGrant[];
}
