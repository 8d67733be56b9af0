import type { AutopilotFacts, AutopilotPolicy } from '../../domain/access/autopilot-access';
import { autopilotProfileDecider } from '../../domain/autopilot-profile/profile.decider';
import { autopilotStreams } from '../../domain/autopilot-profile/streams';
import type { ProfileFacts } from '../../domain/autopilot-profile/commands';
import { dapGrantDecider } from '../../domain/dap-grant/dap-grant.decider';
import { relationshipDecider } from '../../domain/relationship/relationship.decider';
import type { Actor } from '../../domain/shared/actor';
import { streamIds } from '../../domain/shared/streams';
import type { AggregateStore } from '../aggregate-store';

/**
 * What the Autopilot rules need to know of the caller's tenant and the customer, read from the
 * pair's Relationship and DapGrant streams (a customer or unknown tenant has neither).
 */
export async function loadAutopilotFacts(
  aggregates: AggregateStore,
  policy: AutopilotPolicy,
  actor: Actor,
  customerTenantId: string | null,
): Promise<AutopilotFacts> {
  if (actor.tenantKind !== 'partner' || customerTenantId === null) {
    return { relationshipActive: false, dapStatus: 'NONE', policy };
  }
  const [relationship, dap] = await Promise.all([
    aggregates.load(streamIds.relationship(actor.tenantId, customerTenantId), relationshipDecider),
    aggregates.load(streamIds.dapGrant(actor.tenantId, customerTenantId), dapGrantDecider),
  ]);
  return {
    relationshipActive: relationship.state.active,
    dapStatus: dap.state.status,
    policy,
  };
}

/** A profile's existence and tenant, as device commands need them (R34). */
export async function loadProfileFacts(
  aggregates: AggregateStore,
  profileId: string,
): Promise<ProfileFacts> {
  const { state } = await aggregates.load(
    autopilotStreams.profile(profileId),
    autopilotProfileDecider,
  );
  return {
    profileId,
    customerTenantId: state.customerTenantId,
    active: state.status === 'ACTIVE',
  };
}
