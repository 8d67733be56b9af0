import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { AggregateStore } from '../platform/write/aggregate-store';
import { Intent } from '../platform/write/intent';
import type { AutopilotRequestOf } from './domain/commands';
import { decideOnRegistry } from './autopilot-registry';

export class UpdateAutopilotProfile extends Intent<AutopilotRequestOf<'UpdateAutopilotProfile'>> {}

/** R30, R35: a partner Admin Agent changes a profile's name, description or settings. */
@CommandHandler(UpdateAutopilotProfile)
export class UpdateAutopilotProfileHandler implements ICommandHandler<UpdateAutopilotProfile> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  execute({ context, command }: UpdateAutopilotProfile) {
    return decideOnRegistry(this.aggregates, this.settings.AUTOPILOT_POLICY, context, command);
  }
}
