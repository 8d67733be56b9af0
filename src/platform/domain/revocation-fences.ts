import type { EventSchemas } from './event-evolution';
import { type GdapGrant, grantsInForce } from './gdap-grants';
import type { DapStatus, PairFacts } from './pair-facts';

/** The facts of a (partner, customer) pair that a revocation takes away. */
export type RevocableFact = 'RELATIONSHIP' | 'DELEGATED_ADMIN' | 'GDAP';

/** Streams where partner actions depend on the pair's facts, so revocations fence them. */
export type FencedScope = 'SERVICE_REQUESTS' | 'AUTOPILOT';

/** The pair's Relationship and DapGrant streams as a command read them: state and revision. */
export interface PairSnapshot {
  relationship: { active: boolean; revision: number };
  dap: { status: DapStatus; revision: number };
  /** The pair's GDAP grants on the partner's GDAP stream (absent: none read). */
  gdap?: { grants: readonly GdapGrant[]; revision: number };
}

/**
 * Recorded in every fenced stream before a revocation's own event, which then follows on the fact
 * stream with `factRevision` as its expected revision. A partner action decided on the fact as it
 * was before `factRevision` can no longer be appended after it (its stream moved), and a decision
 * that sees the fence treats the fact as revoked while the revocation is under way.
 */
export type PartnerAccessRevocationStarted = {
  type: 'PartnerAccessRevocationStarted';
  data: {
    partnerTenantId: string;
    customerTenantId: string;
    revoking: RevocableFact;
    /** The fact stream's revision the revocation was decided on (-1: no stream yet). */
    factRevision: number;
    scope: FencedScope;
    /**
     * Why the fact is revoked, in its room's words (a DapRemovalReason for DAP), so that a
     * resumption records what the revocation would have. Absent in fences written before
     * 2026-12-05 (read as the customer's own revocation); additive, so the schema stays at 1 and
     * an instance of the previous version still reads the fence.
     */
    reason?: string;
  };
};

/** Per fact, the revision of the newest revocation begun in a stream. */
export type Fence = Readonly<Partial<Record<RevocableFact, number>>>;

export const fenced = (fence: Fence, event: PartnerAccessRevocationStarted): Fence => ({
  ...fence,
  [event.data.revoking]: Math.max(fence[event.data.revoking] ?? -1, event.data.factRevision),
});

/**
 * A fence holds while its fact stream has not moved past the revision its revocation was decided
 * on (the revocation is under way, or this command read the fact before it). Once the stream has
 * moved on, the stream itself says what happened: revoked, or (a revocation that lost a race)
 * still in force.
 */
const holds = (fence: Fence, fact: RevocableFact, revision: number): boolean =>
  (fence[fact] ?? -Infinity) >= revision;

/**
 * The pair's facts as a partner action must see them in a stream carrying `fence`, at `now`: a
 * GDAP grant past its relationship's end grants nothing, recorded as expired or not (R67).
 */
export function factsBehindFence(
  snapshot: PairSnapshot,
  fence: Fence = {},
  now: Date = new Date(0),
): PairFacts {
  const relationshipRevoking = holds(fence, 'RELATIONSHIP', snapshot.relationship.revision);
  const dapRevoking = holds(fence, 'DELEGATED_ADMIN', snapshot.dap.revision);
  const gdapRevoking = snapshot.gdap !== undefined && holds(fence, 'GDAP', snapshot.gdap.revision);
  return {
    relationshipActive: snapshot.relationship.active && !relationshipRevoking,
    dapStatus: dapRevoking && snapshot.dap.status === 'ACTIVE' ? 'REMOVED' : snapshot.dap.status,
    gdapGrants: gdapRevoking || !snapshot.gdap ? [] : grantsInForce(snapshot.gdap.grants, now),
  };
}

export function revocationStarted(
  partnerTenantId: string,
  customerTenantId: string,
  revoking: RevocableFact,
  factRevision: number,
  scope: FencedScope,
  reason?: string,
): PartnerAccessRevocationStarted {
  return {
    type: 'PartnerAccessRevocationStarted',
    data: {
      partnerTenantId,
      customerTenantId,
      revoking,
      factRevision,
      scope,
      ...(reason !== undefined && { reason }),
    },
  };
}

/**
 * Recorded before the fences, alone in a stream of its own per fact stream and revision
 * (`streamIds.revocationClaim`), appended only if that stream does not exist: of requests on
 * several instances that revoke the same fact decided on the same revision (a double click, a
 * retrying client), one claims it and fences; the others wait for it and decide again, fencing
 * nothing.
 */
export type PartnerAccessRevocationClaimed = {
  type: 'PartnerAccessRevocationClaimed';
  data: {
    partnerTenantId: string;
    customerTenantId: string;
    revoking: RevocableFact;
    factStreamId: string;
    factRevision: number;
  };
};

export function revocationClaimed(
  pair: { partnerTenantId: string; customerTenantId: string },
  revoking: RevocableFact,
  factStreamId: string,
  factRevision: number,
): PartnerAccessRevocationClaimed {
  return {
    type: 'PartnerAccessRevocationClaimed',
    data: { ...pair, revoking, factStreamId, factRevision },
  };
}

/**
 * Appended after a claim by the request that made it, when its revocation ended without landing
 * on the fact stream (the stream moved under it and nothing was left to revoke, or it was
 * refused): the same revocation waiting for that claim, on any instance, goes on at once instead
 * of waiting for it to stall.
 */
export type PartnerAccessRevocationClaimReleased = {
  type: 'PartnerAccessRevocationClaimReleased';
  data: {
    partnerTenantId: string;
    customerTenantId: string;
    revoking: RevocableFact;
    factStreamId: string;
  };
};

export function revocationClaimReleased(
  pair: { partnerTenantId: string; customerTenantId: string },
  revoking: RevocableFact,
  factStreamId: string,
): PartnerAccessRevocationClaimReleased {
  return {
    type: 'PartnerAccessRevocationClaimReleased',
    data: { ...pair, revoking, factStreamId },
  };
}

/** The fence and the claim are the platform's own events: their schema versions. */
export const FENCE_EVENTS = {
  PartnerAccessRevocationStarted: { version: 1 },
  PartnerAccessRevocationClaimed: { version: 1 },
  PartnerAccessRevocationClaimReleased: { version: 1 },
} satisfies EventSchemas<
  | PartnerAccessRevocationStarted
  | PartnerAccessRevocationClaimed
  | PartnerAccessRevocationClaimReleased
>;
