import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../../config/settings';
import { autopilotProfileDecider } from '../../domain/autopilot-profile/profile.decider';
import { autopilotStreams } from '../../domain/autopilot-profile/streams';
import { AggregateStore } from '../aggregate-store';
import type { CommandContext, CommandOutcome } from '../command-context';
import { loadAutopilotFacts } from './autopilot-facts';

export class DeleteAutopilotProfile extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly profileId: string,
  ) {
    super();
  }
}

/** R34: deleting a profile removes it from every device that ran it (see profile.decider.ts). */
@CommandHandler(DeleteAutopilotProfile)
export class DeleteAutopilotProfileHandler implements ICommandHandler<DeleteAutopilotProfile> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async execute({ context, profileId }: DeleteAutopilotProfile) {
    const streamId = autopilotStreams.profile(profileId);
    const profile = await this.aggregates.load(streamId, autopilotProfileDecider);
    const facts = await loadAutopilotFacts(
      this.aggregates,
      this.settings.AUTOPILOT_POLICY,
      context.actor,
      profile.state.customerTenantId,
    );
    const { position } = await this.aggregates.decide(
      streamId,
      autopilotProfileDecider,
      { type: 'DeleteAutopilotProfile', actor: context.actor, facts },
      context,
    );
    return { position };
  }
}
