import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { dapGrantDecider } from '../../domain/dap-grant/dap-grant.decider';
import { streamIds } from '../../domain/shared/streams';
import { AggregateStore } from '../aggregate-store';
import type { CommandContext, CommandOutcome } from '../command-context';
import { relationshipActive } from '../pair-facts';

export class OpenServiceRequest extends Command<CommandOutcome & { serviceRequestId: string }> {
  constructor(
    readonly context: CommandContext,
    readonly customerTenantId: string,
    readonly title: string,
    readonly description: string,
  ) {
    super();
  }
}

/**
 * R13, R14: recorded on the pair's DapGrant stream, whose expected revision orders it against a
 * concurrent removal: a request decided on a stale "DAP active" state is re-decided and refused.
 */
@CommandHandler(OpenServiceRequest)
export class OpenServiceRequestHandler implements ICommandHandler<OpenServiceRequest> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ context, customerTenantId, title, description }: OpenServiceRequest) {
    const partnerTenantId = context.actor.tenantId;
    const serviceRequestId = randomUUID();
    const { position } = await this.aggregates.decide(
      streamIds.dapGrant(partnerTenantId, customerTenantId),
      dapGrantDecider,
      {
        type: 'OpenServiceRequest',
        actor: context.actor,
        partnerTenantId,
        customerTenantId,
        serviceRequestId,
        title,
        description,
        relationshipActive: await relationshipActive(
          this.aggregates,
          partnerTenantId,
          customerTenantId,
        ),
      },
      context,
    );
    return { position, serviceRequestId };
  }
}
