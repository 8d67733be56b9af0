import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { registryTenantOrNotFound } from './domain/autopilot-ids';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';
import { decideOnRegistry } from './autopilot-registry';

export class DeleteAutopilotProfile extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly profileId: string,
  ) {
    super();
  }
}

/** R34: deleting a profile removes it from every device that ran it, in the same event. */
@CommandHandler(DeleteAutopilotProfile)
export class DeleteAutopilotProfileHandler implements ICommandHandler<DeleteAutopilotProfile> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  execute({ context, profileId }: DeleteAutopilotProfile) {
    return decideOnRegistry(
      this.aggregates,
      this.settings.AUTOPILOT_POLICY,
      context,
      registryTenantOrNotFound(profileId, 'profile'),
      { type: 'DeleteAutopilotProfile', profileId },
    );
  }
}
