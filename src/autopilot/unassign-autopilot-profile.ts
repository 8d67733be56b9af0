import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { registryTenantOrNotFound } from './domain/autopilot-ids';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';
import { decideOnRegistry } from './autopilot-registry';

export class UnassignAutopilotProfile extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly deviceId: string,
  ) {
    super();
  }
}

/** R34: the device stops running its profile; the profile stays. */
@CommandHandler(UnassignAutopilotProfile)
export class UnassignAutopilotProfileHandler implements ICommandHandler<UnassignAutopilotProfile> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  execute({ context, deviceId }: UnassignAutopilotProfile) {
    return decideOnRegistry(
      this.aggregates,
      this.settings.AUTOPILOT_POLICY,
      context,
      registryTenantOrNotFound(deviceId, 'device'),
      { type: 'UnassignAutopilotProfile', deviceId },
    );
  }
}
