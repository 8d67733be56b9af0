import type { PairSnapshot } from '../platform/domain/revocation-fences';
import { dapGrantDecider } from './domain/dap-grant/dap-grant.decider';
import { relationshipDecider } from '../invitations/domain/relationship.decider';
import { streamIds } from '../platform/domain/streams';
import { type AggregateStore, revisionNumber } from '../platform/write/aggregate-store';

/** Whether the pair's reseller relationship is active, read from its own stream. */
export async function relationshipActive(
  aggregates: AggregateStore,
  partnerTenantId: string,
  customerTenantId: string,
): Promise<boolean> {
  return (await loadPairSnapshot(aggregates, partnerTenantId, customerTenantId)).relationship
    .active;
}

/** The pair's Relationship and DapGrant streams: what they say, and at which revision. */
export async function loadPairSnapshot(
  aggregates: AggregateStore,
  partnerTenantId: string,
  customerTenantId: string,
): Promise<PairSnapshot> {
  const [relationship, dap] = await Promise.all([
    aggregates.load(streamIds.relationship(partnerTenantId, customerTenantId), relationshipDecider),
    aggregates.load(streamIds.dapGrant(partnerTenantId, customerTenantId), dapGrantDecider),
  ]);
  return {
    relationship: {
      active: relationship.state.active,
      revision: revisionNumber(relationship.revision),
    },
    dap: { status: dap.state.status, revision: revisionNumber(dap.revision) },
  };
}
