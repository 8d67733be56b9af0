import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SubscriptionsQueries } from '../../projections/azure-subscriptions/subscriptions.queries';
import { ChangeSubscriptionAccess } from '../azure-subscriptions/change-subscription-access';
import { dapGrantDecider } from '../delegated-admin/domain/dap-grant/dap-grant.decider';
import { RemoveDelegatedAdminPrivileges } from '../delegated-admin/remove-delegated-admin-privileges';
import { DomainError } from '../platform/domain/domain-error';
import { streamIds } from '../platform/domain/streams';
import { ReadSide } from '../platform/read-store/read-side';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';
import { Revocations } from '../platform/write/revocations';
import { gdapDecider } from './domain/gdap.decider';
import { gdapStreamId } from './domain/gdap-ids';
import { assertConfirmed, assertMayRevokePartnerAccess } from './domain/partner-access';
import { GdapScheduler } from './gdap-scheduler';

export class RevokePartnerAccess extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly partnerTenantId: string,
    readonly confirm: boolean,
  ) {
    super();
  }
}

/** A step that found its grant already gone (a concurrent removal) has nothing left to do. */
const alreadyGone = (error: unknown): number => {
  if (error instanceof DomainError && ['PRECONDITION_FAILED', 'NOT_FOUND'].includes(error.code))
    return 0;
  throw error;
};

/**
 * R70: the customer's Global admin ends every grant a partner holds in its tenant, in one request
 * (one correlation id), each change its own event on its own stream. GDAP and DAP are revocations
 * (revocations.ts: fenced first, decided on streams the partner's traffic does not hold up); the
 * Azure role assignments of the partner's groups are removed one by one. Every step is idempotent,
 * so repeating the request after a failure finishes what is left.
 */
@CommandHandler(RevokePartnerAccess)
export class RevokePartnerAccessHandler implements ICommandHandler<RevokePartnerAccess> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly revocations: Revocations,
    private readonly commandBus: CommandBus,
    private readonly subscriptions: SubscriptionsQueries,
    private readonly readSide: ReadSide,
    private readonly scheduler: GdapScheduler,
  ) {}

  async execute({ context, partnerTenantId, confirm }: RevokePartnerAccess) {
    const customerTenantId = assertMayRevokePartnerAccess(context.actor);
    assertConfirmed(confirm, []);
    const pair = { partnerTenantId, customerTenantId };
    const gdap = await this.revocations.revoke({
      streamId: gdapStreamId(partnerTenantId),
      decider: gdapDecider,
      command: { type: 'TerminateAllForCustomer', actor: context.actor, customerTenantId },
      revoking: 'GDAP',
      pair,
      context,
    });
    if (gdap.events.length > 0) this.scheduler.consider(partnerTenantId);
    const positions = [gdap.position];
    const dap = await this.aggregates.load(
      streamIds.dapGrant(partnerTenantId, customerTenantId),
      dapGrantDecider,
    );
    if (dap.state.status === 'ACTIVE') {
      positions.push(
        await this.commandBus
          .execute(
            new RemoveDelegatedAdminPrivileges(context, {
              type: 'RemoveDelegatedAdminPrivileges',
              actor: context.actor,
              partnerTenantId,
              customerTenantId,
              confirm: true,
            }),
          )
          .then(({ position }) => position, alreadyGone),
      );
    }
    await this.readSide.ready('subscriptions');
    for (const subscription of this.subscriptions.ofCustomer(customerTenantId)) {
      for (const { assignmentId, principal } of subscription.assignments) {
        if (principal.kind !== 'PARTNER_GROUP' || principal.partnerTenantId !== partnerTenantId)
          continue;
        positions.push(
          await this.commandBus
            .execute(
              new ChangeSubscriptionAccess(context, {
                type: 'RemoveSubscriptionRoleAssignment',
                actor: context.actor,
                subscriptionId: subscription.subscriptionId,
                assignmentId,
              }),
            )
            .then(({ position }) => position, alreadyGone),
        );
      }
    }
    return { position: Math.max(...positions) };
  }
}
