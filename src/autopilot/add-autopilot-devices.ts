import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { autopilotId } from './domain/autopilot-ids';
import type { DeviceIdentityInput } from './domain/device-identity';
import type { DeviceSource } from './domain/events';
import { AggregateStore } from '../platform/write/aggregate-store';
import type { CommandContext, CommandOutcome } from '../platform/write/command-context';
import { decideOnRegistry } from './autopilot-registry';

export class AddAutopilotDevices extends Command<CommandOutcome & { deviceIds: string[] }> {
  constructor(
    readonly context: CommandContext,
    readonly customerTenantId: string,
    readonly source: DeviceSource | null,
    readonly devices: readonly DeviceIdentityInput[],
  ) {
    super();
  }
}

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

  async execute({ context, customerTenantId, source, devices }: AddAutopilotDevices) {
    const deviceIds = devices.map(() => autopilotId(customerTenantId, randomUUID()));
    const { position } = await decideOnRegistry(
      this.aggregates,
      this.settings.AUTOPILOT_POLICY,
      context,
      customerTenantId,
      { type: 'AddAutopilotDevices', source, devices, deviceIds },
    );
    return { position, deviceIds };
  }
}
