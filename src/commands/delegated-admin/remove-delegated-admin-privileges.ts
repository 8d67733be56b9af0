import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { dapGrantDecider } from '../../domain/dap-grant/dap-grant.decider';
import { streamIds } from '../../domain/shared/streams';
import { AggregateStore } from '../aggregate-store';
import type { CommandContext, CommandOutcome } from '../command-context';
import { relationshipActive } from '../pair-facts';

export class RemoveDelegatedAdminPrivileges extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly partnerTenantId: string,
    readonly confirm: boolean,
  ) {
    super();
  }
}

/** R12: the customer's Global admin takes DAP away; the reseller relationship stays. */
@CommandHandler(RemoveDelegatedAdminPrivileges)
export class RemoveDelegatedAdminPrivilegesHandler implements ICommandHandler<RemoveDelegatedAdminPrivileges> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ context, partnerTenantId, confirm }: RemoveDelegatedAdminPrivileges) {
    const customerTenantId = context.actor.tenantId;
    const { position } = await this.aggregates.decide(
      streamIds.dapGrant(partnerTenantId, customerTenantId),
      dapGrantDecider,
      {
        type: 'RemoveDelegatedAdminPrivileges',
        actor: context.actor,
        partnerTenantId,
        customerTenantId,
        confirm,
        relationshipActive: await relationshipActive(
          this.aggregates,
          partnerTenantId,
          customerTenantId,
        ),
      },
      context,
    );
    return { position };
  }
}
