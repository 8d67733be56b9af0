import type { AutopilotPolicy } from './domain/autopilot-access';
import { autopilotRegistryDecider } from './domain/autopilot-registry.decider';
import type { AutopilotRequest, RegistryAddress } from './domain/commands';
import { streamIds } from '../platform/domain/streams';
import type { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';
import { loadPairSnapshot } from '../delegated-admin/pair-facts';

/**
 * Decides an Autopilot request, as its resolver built it, on the customer tenant's registry: the
 * one stream every Autopilot change of the tenant is appended to. It adds only what it reads
 * elsewhere: a partner's relationship and DAP from the pair's streams (the decider sees them
 * behind the fences revocations set in the registry, so a revocation that lands meanwhile makes
 * the append fail, and the request is decided again, on the pair read again: a fence whose
 * revocation lost its race no longer holds once the pair's stream has moved on) and the policy in
 * force.
 */
export async function decideOnRegistry(
  aggregates: AggregateStore,
  policy: AutopilotPolicy,
  context: CommandContext,
  command: RegistryAddress & AutopilotRequest,
): Promise<CommandOutcome> {
  const { actor, customerTenantId } = command;
  const withPair = async <Decided>(decided: Decided) => ({
    ...decided,
    pair:
      actor.tenantKind === 'partner'
        ? await loadPairSnapshot(aggregates, actor.tenantId, customerTenantId)
        : null,
  });
  const { position } = await aggregates.decide(
    streamIds.autopilot(customerTenantId),
    autopilotRegistryDecider,
    await withPair({ ...command, policy }),
    context,
    // Every Autopilot command of the tenant, partners' and the customer's, shares this stream.
    { takeTurns: true, withFacts: withPair },
  );
  return { position };
}
