import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { AggregateStore } from '../platform/write/aggregate-store';
import { Intent } from '../platform/write/intent';
import type { AutopilotRequestOf } from './domain/commands';
import { decideOnRegistry } from './autopilot-registry';

export class UnassignAutopilotProfile extends Intent<
  AutopilotRequestOf<'UnassignAutopilotProfile'>
> {}

/** R34: the device stops running its profile; the profile stays. */
@CommandHandler(UnassignAutopilotProfile)
export class UnassignAutopilotProfileHandler implements ICommandHandler<UnassignAutopilotProfile> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  execute({ context, command }: UnassignAutopilotProfile) {
    return decideOnRegistry(this.aggregates, this.settings.AUTOPILOT_POLICY, context, command);
  }
}
