import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { registryTenantOrNotFound } from './domain/autopilot-ids';
import type { ProfileChanges } from './domain/commands';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';
import { decideOnRegistry } from './autopilot-registry';

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

  execute({ context, profileId, changes }: UpdateAutopilotProfile) {
    return decideOnRegistry(
      this.aggregates,
      this.settings.AUTOPILOT_POLICY,
      context,
      registryTenantOrNotFound(profileId, 'profile'),
      { type: 'UpdateAutopilotProfile', profileId, changes },
    );
  }
}
