import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../../config/settings';
import { autopilotDeviceDecider } from '../../domain/autopilot-profile/device.decider';
import { deviceKeyDecider } from '../../domain/autopilot-profile/device-key.decider';
import { deviceKeys } from '../../domain/autopilot-profile/device-identity';
import { autopilotStreams } from '../../domain/autopilot-profile/streams';
import { AggregateStore } from '../aggregate-store';
import type { CommandContext, CommandOutcome } from '../command-context';
import { loadAutopilotFacts } from './autopilot-facts';

export class RemoveAutopilotDevice extends Command<CommandOutcome> {
  constructor(
    readonly context: CommandContext,
    readonly deviceId: string,
  ) {
    super();
  }
}

/**
 * R32, R35: the device leaves the tenant, then its identifiers are released so it can be added
 * again. Should the process stop between the two, the next add finds the holder removed and takes
 * the identifier over (add-autopilot-devices.ts).
 */
@CommandHandler(RemoveAutopilotDevice)
export class RemoveAutopilotDeviceHandler implements ICommandHandler<RemoveAutopilotDevice> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async execute({ context, deviceId }: RemoveAutopilotDevice) {
    const streamId = autopilotStreams.device(deviceId);
    const device = await this.aggregates.load(streamId, autopilotDeviceDecider);
    const { customerTenantId, identity } = device.state;
    const facts = await loadAutopilotFacts(
      this.aggregates,
      this.settings.AUTOPILOT_POLICY,
      context.actor,
      customerTenantId,
    );
    const removed = await this.aggregates.decide(
      streamId,
      autopilotDeviceDecider,
      { type: 'RemoveAutopilotDevice', actor: context.actor, facts },
      context,
    );
    let position = removed.position;
    // The decider refused anything but a registered device, which always has its tenant.
    const keys = customerTenantId ? deviceKeys(customerTenantId, identity) : [];
    for (const key of keys) {
      const released = await this.aggregates.decide(
        key.streamId,
        deviceKeyDecider,
        {
          type: 'ReleaseDeviceKey',
          customerTenantId: customerTenantId as string,
          partnerTenantId: context.actor.tenantKind === 'partner' ? context.actor.tenantId : null,
          keyKind: key.kind,
          deviceId,
          reason: 'DEVICE_REMOVED',
        },
        context,
      );
      position = Math.max(position, released.position);
    }
    return { position };
  }
}
