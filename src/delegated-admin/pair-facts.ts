import type { PairSnapshot } from '../platform/domain/revocation-fences';
import type { PairChangesSince, PairRelationship } from './domain/dap-grant/commands';
import type { EventStore } from '../platform/event-store/event-store';
import { recordedAfter } from '../platform/event-store/recorded-after';
import { domainEventOf } from '../platform/event-store/unreadable-events';
import { dapGrantDecider } from './domain/dap-grant/dap-grant.decider';
import { relationshipDecider } from '../invitations/domain/relationship.decider';
import { streamIds } from '../platform/domain/streams';
import { type AggregateStore, revisionNumber } from '../platform/write/aggregate-store';
import { gdapDecider } from '../gdap/domain/gdap.decider';
import { grantsFor, inForceWith } from '../gdap/domain/gdap-state';
import { gdapStreamId, partnerAccessStreamId } from '../gdap/domain/gdap-ids';

/**
 * Whether the pair's reseller relationship is active, and whether a GDAP relationship of the pair
 * is in force (R15), read from their own streams.
 */
export async function pairRelationships(
  aggregates: AggregateStore,
  partnerTenantId: string,
  customerTenantId: string,
  now: Date,
): Promise<{ relationshipActive: boolean; gdapRelationshipInForce: boolean }> {
  const [relationship, gdap] = await Promise.all([
    aggregates.load(streamIds.relationship(partnerTenantId, customerTenantId), relationshipDecider),
    aggregates.load(gdapStreamId(partnerTenantId), gdapDecider),
  ]);
  return {
    relationshipActive: relationship.state.active,
    gdapRelationshipInForce: inForceWith(gdap.state, customerTenantId, now),
  };
}

/**
 * The pair's reseller relationship now: whether active, which acceptance established it, and
 * whether its end has started.
 */
export async function pairRelationship(
  aggregates: AggregateStore,
  partnerTenantId: string,
  customerTenantId: string,
): Promise<PairRelationship> {
  const { state } = await aggregates.load(
    streamIds.relationship(partnerTenantId, customerTenantId),
    relationshipDecider,
  );
  return {
    active: state.active,
    establishedByInvitationId: state.establishedByInvitationId,
    ending: state.ending,
  };
}

/**
 * Whether the pair's relationship ended, its customer removed DAP, or asked to end all the
 * partner's access, after global `position`.
 */
export async function pairChangesSince(
  store: EventStore,
  partnerTenantId: string,
  customerTenantId: string,
  position: number,
): Promise<PairChangesSince> {
  const [relationship, dap, requests] = await Promise.all([
    recordedAfter(store, streamIds.relationship(partnerTenantId, customerTenantId), position),
    recordedAfter(store, streamIds.dapGrant(partnerTenantId, customerTenantId), position),
    recordedAfter(store, partnerAccessStreamId(partnerTenantId, customerTenantId), position),
  ]);
  return {
    relationshipEnded: relationship.some((event) => event.type === 'RelationshipEnded'),
    revocationRequested: requests.some(
      (event) => event.type === 'PartnerAccessRevocationRequested',
    ),
    removedByCustomer: dap.some((recorded) => {
      const event = domainEventOf(recorded);
      return event?.type === 'DelegatedAdminRemoved' && event.data.reason === 'REMOVED_BY_CUSTOMER';
    }),
  };
}

/** The pair's Relationship, DapGrant and the partner's GDAP streams: what they say, and at which revision. */
export async function loadPairSnapshot(
  aggregates: AggregateStore,
  partnerTenantId: string,
  customerTenantId: string,
): Promise<PairSnapshot> {
  const [relationship, dap, gdap] = await Promise.all([
    aggregates.load(streamIds.relationship(partnerTenantId, customerTenantId), relationshipDecider),
    aggregates.load(streamIds.dapGrant(partnerTenantId, customerTenantId), dapGrantDecider),
    aggregates.load(gdapStreamId(partnerTenantId), gdapDecider),
  ]);
  return {
    relationship: {
      // An end that has started is certain (R9): the partner loses what needs the relationship then.
      active: relationship.state.active && !relationship.state.ending,
      revision: revisionNumber(relationship.revision),
    },
    dap: { status: dap.state.status, revision: revisionNumber(dap.revision) },
    gdap: {
      grants: grantsFor(gdap.state, customerTenantId),
      revision: revisionNumber(gdap.revision),
    },
  };
}

/**
 * R70: whether the pair's DAP was last granted, after global `position`, by an acceptance recorded
 * after it too: the customer gave DAP again after its request to end all access. A grant of an
 * acceptance made before the request, landing after it, is not (it overtook the request).
 */
export async function grantedAgainSince(
  store: EventStore,
  partnerTenantId: string,
  customerTenantId: string,
  position: number,
): Promise<boolean> {
  const since = await recordedAfter(
    store,
    streamIds.dapGrant(partnerTenantId, customerTenantId),
    position,
  );
  const lastGrant = since
    .map(domainEventOf)
    .find((event) => event?.type === 'DelegatedAdminGranted');
  if (lastGrant?.type !== 'DelegatedAdminGranted') return false;
  const invitation = streamIds.invitation(lastGrant.data.invitationId);
  const accepted = await recordedAfter(store, invitation, position);
  return accepted.some((event) => event.type === 'InvitationAccepted');
}
