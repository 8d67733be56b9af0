import { assertNever, type Decider, unhandled } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import type { DeviceKeyCommand } from './commands';
import { KEY_LABEL } from './device-identity';
import type { DeviceKeyEvent } from './events';

export interface DeviceKeyState {
  /** The device registered with this identifier, or null while it is free. */
  heldBy: string | null;
}

/**
 * R33: one identifier (hardware hash, product key, or serial + manufacturer + model) of one
 * tenant. A deterministic stream name plus the expected revision make two devices holding it
 * impossible, whatever the concurrency.
 */
export const deviceKeyDecider: Decider<DeviceKeyCommand, DeviceKeyEvent, DeviceKeyState> = {
  initialState: { heldBy: null },

  evolve(state, event) {
    switch (event.type) {
      case 'AutopilotDeviceKeyReserved':
        return { heldBy: event.data.deviceId };
      case 'AutopilotDeviceKeyReleased':
        return state.heldBy === event.data.deviceId ? { heldBy: null } : state;
      default:
        return unhandled(state, event);
    }
  },

  decide(command, state) {
    const { customerTenantId, partnerTenantId, keyKind, deviceId } = command;
    switch (command.type) {
      case 'ReserveDeviceKey':
        if (state.heldBy === deviceId) return [];
        if (state.heldBy !== null && state.heldBy !== command.takeOverFrom) {
          throw new DomainError(
            'CONFLICT',
            `A device with this ${KEY_LABEL[keyKind]} is already registered in the tenant (device ${state.heldBy}).`,
            'R33',
            { existingDeviceId: state.heldBy, identifier: keyKind },
          );
        }
        return [
          {
            type: 'AutopilotDeviceKeyReserved',
            data: { customerTenantId, partnerTenantId, keyKind, deviceId },
          },
        ];
      case 'ReleaseDeviceKey':
        if (state.heldBy !== deviceId) return [];
        return [
          {
            type: 'AutopilotDeviceKeyReleased',
            data: { customerTenantId, partnerTenantId, keyKind, deviceId, reason: command.reason },
          },
        ];
      default:
        return assertNever(command);
    }
  },
};
