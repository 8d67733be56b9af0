import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { SETTINGS, type Settings } from '../../config/settings';
import type { AutopilotSetting } from '../../domain/autopilot-profile/events';
import { autopilotProfileDecider } from '../../domain/autopilot-profile/profile.decider';
import { autopilotStreams } from '../../domain/autopilot-profile/streams';
import { AggregateStore } from '../aggregate-store';
import type { CommandContext, CommandOutcome } from '../command-context';
import { loadAutopilotFacts } from './autopilot-facts';

export class CreateAutopilotProfile extends Command<CommandOutcome & { profileId: string }> {
  constructor(
    readonly context: CommandContext,
    readonly customerTenantId: string,
    readonly name: string,
    readonly description: string | null,
    readonly settings: readonly AutopilotSetting[] | null,
  ) {
    super();
  }
}

/** R30, R35: a partner Admin Agent creates a profile for its customer. */
@CommandHandler(CreateAutopilotProfile)
export class CreateAutopilotProfileHandler implements ICommandHandler<CreateAutopilotProfile> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async execute({
    context,
    customerTenantId,
    name,
    description,
    settings,
  }: CreateAutopilotProfile) {
    const profileId = randomUUID();
    const facts = await loadAutopilotFacts(
      this.aggregates,
      this.settings.AUTOPILOT_POLICY,
      context.actor,
      customerTenantId,
    );
    const { position } = await this.aggregates.decide(
      autopilotStreams.profile(profileId),
      autopilotProfileDecider,
      {
        type: 'CreateAutopilotProfile',
        actor: context.actor,
        facts,
        profileId,
        customerTenantId,
        name,
        description,
        settings,
      },
      context,
    );
    return { position, profileId };
  }
}
