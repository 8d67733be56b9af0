import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { dapGrantDecider } from './domain/dap-grant/dap-grant.decider';
import { streamIds } from '../platform/domain/streams';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';
import { relationshipActive } from './pair-facts';
import { Revocations } from '../platform/write/revocations';

export class RemoveDelegatedAdminPrivileges extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext & { causationId?: string },
    readonly partnerTenantId: string,
    readonly confirm: boolean,
    /** Set when the reactor finishes a removal a crash interrupted after its fences. */
    readonly resumeAtRevision?: number,
  ) {
    super();
  }
}

/**
 * R12, R13: the customer's Global admin takes DAP away; the reseller relationship stays. A
 * revocation: it never competes with the partner's traffic and always lands after it (revocations.ts).
 */
@CommandHandler(RemoveDelegatedAdminPrivileges)
export class RemoveDelegatedAdminPrivilegesHandler implements ICommandHandler<RemoveDelegatedAdminPrivileges> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly revocations: Revocations,
  ) {}

  async execute({
    context,
    partnerTenantId,
    confirm,
    resumeAtRevision,
  }: RemoveDelegatedAdminPrivileges) {
    const customerTenantId = context.actor.tenantId;
    const { position } = await this.revocations.revoke({
      streamId: streamIds.dapGrant(partnerTenantId, customerTenantId),
      decider: dapGrantDecider,
      command: {
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
      revoking: 'DELEGATED_ADMIN',
      pair: { partnerTenantId, customerTenantId },
      context,
      resumeAtRevision,
    });
    return { position };
  }
}
