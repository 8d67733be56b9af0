import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandOutcome } from '../platform/write/command-context';
import { Intent } from '../platform/write/intent';
import type { AutopilotRequestOf } from './domain/commands';
import { decideOnRegistry } from './autopilot-registry';

export class AddAutopilotDevices extends Intent<
  AutopilotRequestOf<'AddAutopilotDevices'>,
  CommandOutcome & { deviceIds: string[] }
> {}

/**
 * R30, R31, R33: a batch of devices, all or none, in one append to the tenant's registry: checked
 * against the identifiers registered there and within the batch, and recorded with the registry's
 * expected revision, so a concurrent batch holding one of its identifiers makes it be decided
 * again and refused, with nothing recorded.
 */
@CommandHandler(AddAutopilotDevices)
export class AddAutopilotDevicesHandler implements ICommandHandler<AddAutopilotDevices> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async execute({ context, command }: AddAutopilotDevices) {
    const { position } = await decideOnRegistry(
      this.aggregates,
      this.settings.AUTOPILOT_POLICY,
      context,
      command,
    );
    return { position, deviceIds: [...command.deviceIds] };
  }
}
