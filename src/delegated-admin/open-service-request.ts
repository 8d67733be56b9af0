import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { serviceRequestsDecider } from './domain/service-requests/service-requests.decider';
import { streamIds } from '../platform/domain/streams';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandOutcome } from '../platform/write/command-context';
import { Intent } from '../platform/write/intent';
import type {
  OpenServiceRequestCommand,
  ServiceRequestCommand,
} from './domain/service-requests/commands';
import { loadPairSnapshot } from './pair-facts';

export class OpenServiceRequest extends Intent<
  OpenServiceRequestCommand,
  CommandOutcome & { serviceRequestId: string }
> {}

/**
 * R13, R14: recorded on the pair's service-request stream, which a DAP removal or a relationship's
 * end fences before it is recorded: a request decided on a stale "DAP active" fails its expected
 * revision there, is decided again behind the fence, and is refused. The pair's facts are read again
 * on every attempt, after the stream: a fence whose revocation lost its race to the fact stream no
 * longer holds once that stream has moved on, and must not refuse a retry read before it moved.
 */
@CommandHandler(OpenServiceRequest)
export class OpenServiceRequestHandler implements ICommandHandler<OpenServiceRequest> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ context, command }: OpenServiceRequest) {
    const { partnerTenantId, customerTenantId } = command;
    const withPair = async (open: OpenServiceRequestCommand): Promise<ServiceRequestCommand> => ({
      ...open,
      pair: await loadPairSnapshot(this.aggregates, partnerTenantId, customerTenantId),
    });
    const { position } = await this.aggregates.decide(
      streamIds.serviceRequests(partnerTenantId, customerTenantId),
      serviceRequestsDecider,
      await withPair(command),
      context,
      // A pair's agents share its stream: this process's requests wait their turn, none starved.
      { withFacts: withPair, takeTurns: true },
    );
    return { position, serviceRequestId: command.serviceRequestId };
  }
}
