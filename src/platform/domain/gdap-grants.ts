/** A Microsoft Entra built-in directory role, as Graph names it (`unifiedRole`). */
export interface DirectoryRole {
  roleTemplateId: string;
  displayName: string;
}

/**
 * One active GDAP access assignment: a group holding roles in the customer through a relationship.
 * Part of a pair's facts (pair-facts.ts), which a GDAP revocation's fence takes away; the GDAP
 * room records and reads these grants.
 */
export interface GdapGrant {
  relationshipId: string;
  relationshipName: string;
  assignmentId: string;
  securityGroupId: string;
  roles: readonly DirectoryRole[];
  /** The relationship's end: the grant holds until then (R67), whether or not expiry is recorded. */
  endDateTime: string;
}

/** The grants still in force at `now` (R67: a relationship past its end grants nothing). */
export const grantsInForce = (grants: readonly GdapGrant[], now: Date): GdapGrant[] =>
  grants.filter((grant) => new Date(grant.endDateTime) > now);
