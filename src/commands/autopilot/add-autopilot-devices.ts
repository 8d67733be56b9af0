import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CLOCK, type Clock } from '../../config/clock';
import { SETTINGS, type Settings } from '../../config/settings';
import type { KeyHolder } from '../../domain/autopilot-profile/commands';
import { decideDeviceBatch, type PlannedDevice } from '../../domain/autopilot-profile/device-batch';
import { autopilotDeviceDecider } from '../../domain/autopilot-profile/device.decider';
import {
  describeDevice,
  deviceKeys,
  type DeviceIdentityInput,
  normaliseIdentity,
} from '../../domain/autopilot-profile/device-identity';
import { deviceKeyDecider } from '../../domain/autopilot-profile/device-key.decider';
import type { DeviceSource } from '../../domain/autopilot-profile/events';
import { autopilotStreams } from '../../domain/autopilot-profile/streams';
import { DomainError } from '../../domain/shared/domain-error';
import { AggregateStore } from '../aggregate-store';
import type { CommandContext, CommandOutcome } from '../command-context';
import { loadAutopilotFacts } from './autopilot-facts';

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

type Reservation = PlannedDevice['reservations'][number];

/**
 * R30, R31, R33: a batch of devices, all or none. Everything is checked before anything is
 * appended, duplicates included (by reading each identifier's reservation stream). Then every
 * identifier is reserved (expected revision: no duplicate can slip in) and only then are the
 * devices added. Should a reservation lose a race to a concurrent add, the reservations this batch
 * made are released again (AutopilotDeviceKeyReleased, BATCH_ABANDONED) and the batch answers
 * CONFLICT: those compensating events are the one trace a refused batch can leave.
 */
@CommandHandler(AddAutopilotDevices)
export class AddAutopilotDevicesHandler implements ICommandHandler<AddAutopilotDevices> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ context, customerTenantId, source, devices }: AddAutopilotDevices) {
    const facts = await loadAutopilotFacts(
      this.aggregates,
      this.settings.AUTOPILOT_POLICY,
      context.actor,
      customerTenantId,
    );
    const keyStreams = devices.flatMap((device) =>
      deviceKeys(customerTenantId, normaliseIdentity(device)).map((key) => key.streamId),
    );
    const plan = decideDeviceBatch({
      actor: context.actor,
      facts,
      customerTenantId,
      source,
      devices,
      deviceIds: devices.map(() => randomUUID()),
      holders: await this.holdersOf(new Set(keyStreams)),
      now: this.clock.now(),
    });
    let position = await this.reserve(plan, context);
    for (const { register } of plan) {
      const added = await this.aggregates.decide(
        autopilotStreams.device(register.deviceId),
        autopilotDeviceDecider,
        register,
        context,
      );
      position = Math.max(position, added.position);
    }
    return { position, deviceIds: plan.map(({ register }) => register.deviceId) };
  }

  /** Who holds each identifier now: one small stream per identifier, and its holder's stream. */
  private async holdersOf(streamIds: Set<string>): Promise<Map<string, KeyHolder | null>> {
    const holders = new Map<string, KeyHolder | null>();
    for (const streamId of streamIds) {
      const { state, lastOccurredAt } = await this.aggregates.load(streamId, deviceKeyDecider);
      if (!state.heldBy || !lastOccurredAt) {
        holders.set(streamId, null);
        continue;
      }
      const holder = await this.aggregates.load(
        autopilotStreams.device(state.heldBy),
        autopilotDeviceDecider,
      );
      holders.set(streamId, {
        deviceId: state.heldBy,
        deviceStatus: holder.state.status,
        reservedAt: lastOccurredAt,
        identity: holder.state.identity,
      });
    }
    return holders;
  }

  private async reserve(plan: PlannedDevice[], context: CommandContext): Promise<number> {
    const reserved: Reservation[] = [];
    let position = 0;
    for (const [index, { register, reservations }] of plan.entries()) {
      for (const reservation of reservations) {
        const { streamId, ...command } = reservation;
        try {
          const result = await this.aggregates.decide(streamId, deviceKeyDecider, command, context);
          position = Math.max(position, result.position);
          reserved.push(reservation);
        } catch (error) {
          await this.release(reserved, context);
          if (!(error instanceof DomainError)) throw error;
          throw new DomainError(
            'CONFLICT',
            `devices[${index}] (${describeDevice(register.identity)}) was registered by someone else a moment ago: ${error.message} Nothing was added.`,
            'R33',
            { problems: [{ index, problem: error.message, ...error.details }] },
          );
        }
      }
    }
    return position;
  }

  private async release(reserved: Reservation[], context: CommandContext): Promise<void> {
    for (const { streamId, customerTenantId, partnerTenantId, keyKind, deviceId } of reserved) {
      await this.aggregates.decide(
        streamId,
        deviceKeyDecider,
        {
          type: 'ReleaseDeviceKey',
          customerTenantId,
          partnerTenantId,
          keyKind,
          deviceId,
          reason: 'BATCH_ABANDONED',
        },
        context,
      );
    }
  }
}
