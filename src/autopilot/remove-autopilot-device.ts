import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { AggregateStore } from '../platform/write/aggregate-store';
import { Intent } from '../platform/write/intent';
import type { AutopilotRequestOf } from './domain/commands';
import { decideOnRegistry } from './autopilot-registry';

export class RemoveAutopilotDevice extends Intent<AutopilotRequestOf<'RemoveAutopilotDevice'>> {}

/** R32, R35: the device leaves the tenant, its identifiers freed in the same event (R33). */
@CommandHandler(RemoveAutopilotDevice)
export class RemoveAutopilotDeviceHandler implements ICommandHandler<RemoveAutopilotDevice> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  execute({ context, command }: RemoveAutopilotDevice) {
    return decideOnRegistry(this.aggregates, this.settings.AUTOPILOT_POLICY, context, command);
  }
}
