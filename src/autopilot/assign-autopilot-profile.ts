import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { registryTenantOrNotFound } from './domain/autopilot-ids';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';
import { decideOnRegistry } from './autopilot-registry';

export class AssignAutopilotProfile extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly deviceId: string,
    readonly profileId: string,
  ) {
    super();
  }
}

/** R30, R32, R35: a partner Admin Agent has a device run a profile (replacing any other). */
@CommandHandler(AssignAutopilotProfile)
export class AssignAutopilotProfileHandler implements ICommandHandler<AssignAutopilotProfile> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  execute({ context, deviceId, profileId }: AssignAutopilotProfile) {
    // A profile of another tenant is not in the device's registry: the decider answers NOT_FOUND.
    return decideOnRegistry(
      this.aggregates,
      this.settings.AUTOPILOT_POLICY,
      context,
      registryTenantOrNotFound(deviceId, 'device'),
      { type: 'AssignAutopilotProfile', deviceId, profileId },
    );
  }
}
