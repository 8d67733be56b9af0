import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../../config/settings';
import type { ProfileChanges } from '../../domain/autopilot-profile/commands';
import { autopilotProfileDecider } from '../../domain/autopilot-profile/profile.decider';
import { autopilotStreams } from '../../domain/autopilot-profile/streams';
import { AggregateStore } from '../aggregate-store';
import type { CommandContext, CommandOutcome } from '../command-context';
import { loadAutopilotFacts } from './autopilot-facts';

export class UpdateAutopilotProfile extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly profileId: string,
    readonly changes: ProfileChanges,
  ) {
    super();
  }
}

/** R30, R35: a partner Admin Agent changes a profile's name, description or settings. */
@CommandHandler(UpdateAutopilotProfile)
export class UpdateAutopilotProfileHandler implements ICommandHandler<UpdateAutopilotProfile> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async execute({ context, profileId, changes }: UpdateAutopilotProfile) {
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
      { type: 'UpdateAutopilotProfile', actor: context.actor, facts, changes },
      context,
    );
    return { position };
  }
}
