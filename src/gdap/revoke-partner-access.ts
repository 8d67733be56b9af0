import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Policies } from '../platform/policies/policies';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';
import { partnerAccessStreamId } from './domain/gdap-ids';
import { assertConfirmed, assertMayRevokePartnerAccess } from './domain/partner-access';
import { partnerAccessRevocationDecider } from './domain/partner-access-revocation.decider';

export class RevokePartnerAccess extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly partnerTenantId: string,
    readonly confirm: boolean,
  ) {
    super();
  }
}

/**
 * R70: the customer's Global admin ends every grant a partner holds in its tenant, in one request
 * (one correlation id), each change its own event on its own stream. The request is recorded
 * first, on the pair's own stream; the ending is its policy (revoke-partner-access.policy.ts), run
 * here at once and by the PolicyReactor again should the process stop midway, so a crash between
 * two changes is finished on restart.
 */
@CommandHandler(RevokePartnerAccess)
export class RevokePartnerAccessHandler implements ICommandHandler<RevokePartnerAccess> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly policies: Policies,
  ) {}

  async execute({ context, partnerTenantId, confirm }: RevokePartnerAccess) {
    const customerTenantId = assertMayRevokePartnerAccess(context.actor);
    assertConfirmed(confirm);
    const requested = await this.aggregates.decide(
      partnerAccessStreamId(partnerTenantId, customerTenantId),
      partnerAccessRevocationDecider,
      { type: 'RequestPartnerAccessRevocation', actor: context.actor, partnerTenantId },
      context,
    );
    // Recorded: a change that fails to append now is finished by the reactor, which retries it.
    const ended = await this.policies.runNow(requested, context).catch(() => requested.position);
    return { position: Math.max(requested.position, ended) };
  }
}
