import { assertMayAutopilot, type AutopilotFacts } from './autopilot-access';
import type { Actor } from '../../platform/domain/actor';
import { DomainError, invalidInput } from '../../platform/domain/domain-error';
import type { AutopilotCommandOf } from './commands';
import {
  type DeviceKey,
  deviceKeys,
  identityProblems,
  KEY_LABEL,
  normaliseIdentity,
} from './device-identity';
import {
  actingPartnerOf,
  type AutopilotEvent,
  CUSTOMER_DEVICE_SOURCES,
  type DeviceOrigin,
  type DeviceSource,
} from './events';
import type { AutopilotRegistryState } from './registry';

export const MAX_DEVICES_PER_BATCH = 1_000;
const LISTED_IN_MESSAGE = 10;

export interface BatchProblem {
  /** Position of the device in the batch (0-based, as in `devices[2]`). */
  index: number;
  problem: string;
  /** For a duplicate of a registered device: that device. */
  existingDeviceId?: string;
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
function duplicates(state: AutopilotRegistryState, keysOf: readonly DeviceKey[][]): BatchProblem[] {
  const found: BatchProblem[] = [];
  const firstWith = new Map<string, number>();
  keysOf.forEach((keys, index) => {
    for (const key of keys) {
      const earlier = firstWith.get(key.digest);
      if (earlier !== undefined) {
        found.push({
          index,
          problem: `has the same ${KEY_LABEL[key.kind]} as devices[${earlier}]`,
        });
        continue;
      }
      firstWith.set(key.digest, index);
      const holder = state.identifiers.get(key.digest);
      if (holder !== undefined) {
        const label = state.devices.get(holder)?.label ?? 'without identifiers';
        found.push({
          index,
          problem: `has the same ${KEY_LABEL[key.kind]} as device ${holder} (${label}), already registered in the tenant`,
          existingDeviceId: holder,
        });
      }
    }
  });
  return found;
}

/**
 * R30, R31, R33: a batch of devices is added whole or not at all, in one append to the registry.
 * Every problem of every device is listed: identifier sets first (INVALID_INPUT), else duplicates
 * within the batch or of devices registered in the tenant (CONFLICT). One event per device.
 */
export function addDevices(
  command: AutopilotCommandOf<'AddAutopilotDevices'>,
  state: AutopilotRegistryState,
  facts: AutopilotFacts,
): AutopilotEvent[] {
  const { actor, customerTenantId, devices, deviceIds } = command;
  assertMayAutopilot(actor, customerTenantId, { kind: 'ADD_DEVICES' }, facts);
  const addedBy = originOf(actor, command.source);
  if (devices.length === 0 || devices.length > MAX_DEVICES_PER_BATCH) {
    throw invalidInput(`Add 1 to ${MAX_DEVICES_PER_BATCH} devices at a time.`);
  }
  if (deviceIds.length !== devices.length) {
    throw new Error(`${devices.length} devices need as many new ids, not ${deviceIds.length}`);
  }
  const identities = devices.map(normaliseIdentity);
  const keysOf = identities.map(deviceKeys);
  const malformed = identities.flatMap((identity, index) =>
    identityProblems(identity).map((problem) => ({ index, problem })),
  );
  const repeated = duplicates(state, keysOf);
  if (malformed.length) {
    const problems = [...malformed, ...repeated].sort((a, b) => a.index - b.index);
    throw invalidInput(summary(devices.length, problems), 'R33', { problems });
  }
  if (repeated.length) {
    throw new DomainError('CONFLICT', summary(devices.length, repeated), 'R33', {
      problems: repeated,
    });
  }
  const partnerTenantId = actingPartnerOf(actor);
  return identities.map((identity, index) => ({
    type: 'AutopilotDeviceAdded',
    data: { deviceId: deviceIds[index], customerTenantId, partnerTenantId, identity, addedBy },
  }));
}
