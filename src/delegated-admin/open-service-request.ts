import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { serviceRequestsDecider } from './domain/service-requests/service-requests.decider';
import { streamIds } from '../platform/domain/streams';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';
import { loadPairSnapshot } from './pair-facts';

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
 * R13, R14: recorded on the pair's service-request stream, which a DAP removal or a relationship's
 * end fences before it is recorded: a request decided on a stale "DAP active" fails its expected
 * revision there, is decided again behind the fence, and is refused.
 */
@CommandHandler(OpenServiceRequest)
export class OpenServiceRequestHandler implements ICommandHandler<OpenServiceRequest> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ context, customerTenantId, title, description }: OpenServiceRequest) {
    const partnerTenantId = context.actor.tenantId;
    const serviceRequestId = randomUUID();
    const { position } = await this.aggregates.decide(
      streamIds.serviceRequests(partnerTenantId, customerTenantId),
      serviceRequestsDecider,
      {
        type: 'OpenServiceRequest',
        actor: context.actor,
        partnerTenantId,
        customerTenantId,
        serviceRequestId,
        title,
        description,
        pair: await loadPairSnapshot(this.aggregates, partnerTenantId, customerTenantId),
      },
      context,
    );
    return { position, serviceRequestId };
  }
}
