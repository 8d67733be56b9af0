import { relationshipDecider } from '../domain/relationship/relationship.decider';
import { streamIds } from '../domain/shared/streams';
import type { AggregateStore } from './aggregate-store';

/** Whether the pair's reseller relationship is active, read from its own stream. */
export async function relationshipActive(
  aggregates: AggregateStore,
  partnerTenantId: string,
  customerTenantId: string,
): Promise<boolean> {
  const { state } = await aggregates.load(
    streamIds.relationship(partnerTenantId, customerTenantId),
    relationshipDecider,
  );
  return state.active;
}
