import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { AggregateStore } from '../platform/write/aggregate-store';
import { Intent } from '../platform/write/intent';
import type { AutopilotRequestOf } from './domain/commands';
import { decideOnRegistry } from './autopilot-registry';

export class AssignAutopilotProfile extends Intent<AutopilotRequestOf<'AssignAutopilotProfile'>> {}

/**
 * R30, R32, R35: a partner Admin Agent has a device run a profile (replacing any other). A profile
 * of another tenant is not in the device's registry: the decider answers NOT_FOUND.
 */
@CommandHandler(AssignAutopilotProfile)
export class AssignAutopilotProfileHandler implements ICommandHandler<AssignAutopilotProfile> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  execute({ context, command }: AssignAutopilotProfile) {
    return decideOnRegistry(this.aggregates, this.settings.AUTOPILOT_POLICY, context, command);
  }
}
