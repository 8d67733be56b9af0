import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandOutcome } from '../platform/write/command-context';
import { Intent } from '../platform/write/intent';
import type { AutopilotRequestOf } from './domain/commands';
import { decideOnRegistry } from './autopilot-registry';

export class CreateAutopilotProfile extends Intent<
  AutopilotRequestOf<'CreateAutopilotProfile'>,
  CommandOutcome & { profileId: string }
> {}

/** R30, R35: a partner Admin Agent creates a profile for its customer. */
@CommandHandler(CreateAutopilotProfile)
export class CreateAutopilotProfileHandler implements ICommandHandler<CreateAutopilotProfile> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async execute({ context, command }: CreateAutopilotProfile) {
    const { position } = await decideOnRegistry(
      this.aggregates,
      this.settings.AUTOPILOT_POLICY,
      context,
      command,
    );
    return { position, profileId: command.profileId };
  }
}
