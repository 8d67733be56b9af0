import type { AutopilotFacts } from '../../src/autopilot/domain/autopilot-access';
import type { PairSnapshot } from '../../src/platform/domain/revocation-fences';
import type { AutopilotCaller } from '../../src/autopilot/domain/commands';
import type { Actor } from '../../src/platform/domain/actor';

/** The pair's streams as a handler would read them, both at `revision`. */
export const pairSnapshot = (
  { relationshipActive, dapStatus }: Pick<AutopilotFacts, 'relationshipActive' | 'dapStatus'>,
  revision = 0,
): PairSnapshot => ({
  relationship: { active: relationshipActive, revision },
  dap: { status: dapStatus, revision },
});

/** What a handler puts in a registry command: a partner's pair as `facts` say, else none. */
export const callerOf = (
  actor: Actor,
  customerTenantId: string,
  facts: AutopilotFacts,
): AutopilotCaller => ({
  actor,
  customerTenantId,
  pair: actor.tenantKind === 'partner' ? pairSnapshot(facts) : null,
  policy: facts.policy,
});
