import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { registryTenantOrNotFound } from './domain/autopilot-ids';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';
import { decideOnRegistry } from './autopilot-registry';

export class RemoveAutopilotDevice extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly deviceId: string,
  ) {
    super();
  }
}

/** R32, R35: the device leaves the tenant, its identifiers freed in the same event (R33). */
@CommandHandler(RemoveAutopilotDevice)
export class RemoveAutopilotDeviceHandler implements ICommandHandler<RemoveAutopilotDevice> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  execute({ context, deviceId }: RemoveAutopilotDevice) {
    return decideOnRegistry(
      this.aggregates,
      this.settings.AUTOPILOT_POLICY,
      context,
      registryTenantOrNotFound(deviceId, 'device'),
      { type: 'RemoveAutopilotDevice', deviceId },
    );
  }
}
