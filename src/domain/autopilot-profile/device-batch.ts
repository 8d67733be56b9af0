import { assertMayAutopilot } from '../access/autopilot-access';
import type { Actor } from '../shared/actor';
import { DomainError, invalidInput } from '../shared/domain-error';
import type {
  AddAutopilotDevices,
  AutopilotDeviceCommand,
  DeviceKeyCommand,
  KeyHolder,
} from './commands';
import {
  describeDevice,
  deviceKeys,
  identityProblems,
  KEY_LABEL,
  normaliseIdentity,
} from './device-identity';
import { CUSTOMER_DEVICE_SOURCES, type DeviceOrigin, type DeviceSource } from './events';

export const MAX_DEVICES_PER_BATCH = 1_000;
const LISTED_IN_MESSAGE = 10;

export interface BatchProblem {
  /** Position of the device in the batch (0-based, as in `devices[2]`). */
  index: number;
  problem: string;
  /** For a duplicate of a registered device: that device. */
  existingDeviceId?: string;
}

export interface PlannedDevice {
  register: Extract<AutopilotDeviceCommand, { type: 'RegisterAutopilotDevice' }>;
  reservations: (Extract<DeviceKeyCommand, { type: 'ReserveDeviceKey' }> & { streamId: string })[];
}

/** R31: partners always add as PARTNER; the customer says through which of its channels. */
function originOf(actor: Actor, source: DeviceSource | null): DeviceOrigin {
  if (actor.tenantKind === 'partner') {
    if (source === null || source === 'PARTNER') {
      return { source: 'PARTNER', partnerTenantId: actor.tenantId };
    }
    throw invalidInput('Partners always add devices as PARTNER.', 'R31');
  }
  const customerSource = CUSTOMER_DEVICE_SOURCES.find((known) => known === source);
  if (!customerSource) {
    throw invalidInput(
      `Say how the customer added these devices: ${CUSTOMER_DEVICE_SOURCES.join(', ')}.`,
      'R31',
    );
  }
  return { source: customerSource, partnerTenantId: null };
}

function summary(total: number, problems: readonly BatchProblem[]): string {
  const devices = new Set(problems.map(({ index }) => index)).size;
  const listed = problems
    .slice(0, LISTED_IN_MESSAGE)
    .map(({ index, problem }) => `devices[${index}] ${problem}`);
  const more = problems.length - listed.length;
  return `${devices} of ${total} devices cannot be added, so none was: ${listed.join('; ')}${
    more > 0 ? `; and ${more} more problems (see details)` : ''
  }.`;
}

/** R33: devices repeating an identifier of an earlier device of the batch, or of the tenant. */
/**
 * A batch reserves its keys, then registers its devices, in well under this time. A key whose
 * device was never registered after it is one a crashed batch left behind, free to take over.
 */
export const ABANDONED_RESERVATION_MS = 10 * 60 * 1000;

/** R33: whether a key's holder still makes a new device with that key a duplicate. */
export function stillHolds(holder: KeyHolder, now: Date): boolean {
  if (holder.deviceStatus === 'REGISTERED') return true;
  if (holder.deviceStatus === 'REMOVED') return false;
  return now.getTime() - holder.reservedAt.getTime() < ABANDONED_RESERVATION_MS;
}

const takeOverFrom = (holder: KeyHolder | null | undefined, now: Date): string | null =>
  holder && !stillHolds(holder, now) ? holder.deviceId : null;

function duplicates(command: AddAutopilotDevices, keysOf: ReturnType<typeof deviceKeys>[]) {
  const found: BatchProblem[] = [];
  const firstWith = new Map<string, number>();
  keysOf.forEach((keys, index) => {
    for (const key of keys) {
      const earlier = firstWith.get(key.streamId);
      if (earlier !== undefined) {
        found.push({
          index,
          problem: `has the same ${KEY_LABEL[key.kind]} as devices[${earlier}]`,
        });
        continue;
      }
      firstWith.set(key.streamId, index);
      if (!command.holders.has(key.streamId)) {
        throw new Error(`The holder of ${key.streamId} was not read before deciding`);
      }
      const holder = command.holders.get(key.streamId);
      if (holder && stillHolds(holder, command.now)) {
        found.push({
          index,
          problem: `has the same ${KEY_LABEL[key.kind]} as device ${holder.deviceId} (${describeDevice(holder.identity)}), already registered in the tenant`,
          existingDeviceId: holder.deviceId,
        });
      }
    }
  });
  return found;
}

/**
 * R30, R31, R33: a batch of devices is added whole or not at all. Every problem of every device is
 * listed: identifier sets first (INVALID_INPUT), else duplicates (CONFLICT). The handler appends
 * the planned reservations and devices only when this returns.
 */
export function decideDeviceBatch(command: AddAutopilotDevices): PlannedDevice[] {
  const { actor, customerTenantId, facts, devices, deviceIds } = command;
  assertMayAutopilot(actor, customerTenantId, { kind: 'ADD_DEVICES' }, facts);
  const addedBy = originOf(actor, command.source);
  if (devices.length === 0 || devices.length > MAX_DEVICES_PER_BATCH) {
    throw invalidInput(`Add 1 to ${MAX_DEVICES_PER_BATCH} devices at a time.`);
  }
  const identities = devices.map(normaliseIdentity);
  const keysOf = identities.map((identity) => deviceKeys(customerTenantId, identity));
  const malformed = identities.flatMap((identity, index) =>
    identityProblems(identity).map((problem) => ({ index, problem })),
  );
  const repeated = duplicates(command, keysOf);
  if (malformed.length) {
    const problems = [...malformed, ...repeated].sort((a, b) => a.index - b.index);
    throw invalidInput(summary(devices.length, problems), 'R33', { problems });
  }
  if (repeated.length) {
    throw new DomainError('CONFLICT', summary(devices.length, repeated), 'R33', {
      problems: repeated,
    });
  }
  const partnerTenantId = actor.tenantKind === 'partner' ? actor.tenantId : null;
  return identities.map((identity, index) => {
    const deviceId = deviceIds[index];
    return {
      register: {
        type: 'RegisterAutopilotDevice',
        deviceId,
        customerTenantId,
        partnerTenantId,
        identity,
        addedBy,
      },
      reservations: keysOf[index].map((key) => ({
        type: 'ReserveDeviceKey',
        streamId: key.streamId,
        customerTenantId,
        partnerTenantId,
        keyKind: key.kind,
        deviceId,
        takeOverFrom: takeOverFrom(command.holders.get(key.streamId), command.now),
      })),
    };
  });
}
