import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { AggregateStore } from '../platform/write/aggregate-store';
import { Intent } from '../platform/write/intent';
import type { AutopilotRequestOf } from './domain/commands';
import { decideOnRegistry } from './autopilot-registry';

export class DeleteAutopilotProfile extends Intent<AutopilotRequestOf<'DeleteAutopilotProfile'>> {}

/** R34: deleting a profile removes it from every device that ran it, in the same event. */
@CommandHandler(DeleteAutopilotProfile)
export class DeleteAutopilotProfileHandler implements ICommandHandler<DeleteAutopilotProfile> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  execute({ context, command }: DeleteAutopilotProfile) {
    return decideOnRegistry(this.aggregates, this.settings.AUTOPILOT_POLICY, context, command);
  }
}
