import { assertMayAutopilot, assertMaySeeAutopilot, type AutopilotFacts } from './autopilot-access';
import { invalidInput, notFound } from '../../platform/domain/domain-error';
import {
  hasMoreCharactersThan,
  isPrintable,
  isPrintableText,
  showsAnything,
} from '../../platform/domain/printable-text';
import type { AutopilotCommandOf, ProfileChanges } from './commands';
import {
  actingPartnerOf,
  AUTOPILOT_SETTINGS,
  type AutopilotEvent,
  type AutopilotSetting,
  type ProfileContent,
} from './events';
import type { AutopilotRegistryState } from './registry';

const NAME_MAX = 200;
const DESCRIPTION_MAX = 1_500;

function validName(name: string | null | undefined): string {
  const trimmed = (name ?? '').trim();
  if (!showsAnything(trimmed) || hasMoreCharactersThan(trimmed, NAME_MAX)) {
    throw invalidInput(`An Autopilot profile needs a name of 1 to ${NAME_MAX} characters.`);
  }
  // Shown to the customer and every partner working in the tenant: it must read as what it is.
  if (!isPrintable(trimmed)) {
    throw invalidInput('An Autopilot profile name holds no control or text-direction characters.');
  }
  return trimmed;
}

function validDescription(description: string | null | undefined): string | null {
  const trimmed = (description ?? '').trim();
  if (hasMoreCharactersThan(trimmed, DESCRIPTION_MAX)) {
    throw invalidInput(`A profile description has at most ${DESCRIPTION_MAX} characters.`);
  }
  if (!isPrintableText(trimmed)) {
    throw invalidInput(
      'An Autopilot profile description holds no control or text-direction characters but line breaks and tabs.',
    );
  }
  return trimmed || null;
}

/** Known settings once each, in the canonical order. */
function validSettings(settings: readonly AutopilotSetting[] | null | undefined) {
  const unknown = (settings ?? []).filter((setting) => !AUTOPILOT_SETTINGS.includes(setting));
  if (unknown.length) throw invalidInput(`Unknown Autopilot settings: ${unknown.join(', ')}.`);
  return AUTOPILOT_SETTINGS.filter((setting) => settings?.includes(setting));
}

function changed(content: ProfileContent, changes: ProfileChanges): ProfileContent {
  return {
    name: changes.name === undefined ? content.name : validName(changes.name),
    description:
      changes.description === undefined
        ? content.description
        : validDescription(changes.description),
    settings: changes.settings === undefined ? content.settings : validSettings(changes.settings),
  };
}

/**
 * An existing profile the caller may see, or NOT_FOUND (a deleted one is gone). Whether it may see
 * the registry is asked first: to another tenant, an id that exists and one that does not are
 * answered alike (R17).
 */
function visibleProfile(
  state: AutopilotRegistryState,
  command: AutopilotCommandOf<'UpdateAutopilotProfile' | 'DeleteAutopilotProfile'>,
  facts: AutopilotFacts,
): ProfileContent {
  assertMaySeeAutopilot(command.actor, command.customerTenantId, facts);
  const profile = state.profiles.get(command.profileId);
  if (!profile) throw notFound('No such Autopilot profile.');
  return profile;
}

/** R30, R35: a partner Admin Agent creates a profile for its customer. */
export function createProfile(
  command: AutopilotCommandOf<'CreateAutopilotProfile'>,
  state: AutopilotRegistryState,
  facts: AutopilotFacts,
): AutopilotEvent[] {
  const { actor, customerTenantId, profileId } = command;
  assertMayAutopilot(actor, customerTenantId, { kind: 'MANAGE_PROFILES' }, facts);
  if (state.profiles.has(profileId)) return [];
  return [
    {
      type: 'AutopilotProfileCreated',
      data: {
        profileId,
        customerTenantId,
        partnerTenantId: actingPartnerOf(actor),
        name: validName(command.name),
        description: validDescription(command.description),
        settings: validSettings(command.settings),
      },
    },
  ];
}

/** R30, R35: a partner Admin Agent changes a profile's name, description or settings. */
export function updateProfile(
  command: AutopilotCommandOf<'UpdateAutopilotProfile'>,
  state: AutopilotRegistryState,
  facts: AutopilotFacts,
): AutopilotEvent[] {
  const { actor, customerTenantId, profileId } = command;
  const profile = visibleProfile(state, command, facts);
  assertMayAutopilot(actor, customerTenantId, { kind: 'MANAGE_PROFILES' }, facts);
  const { name, description, settings } = command.changes;
  if (name === undefined && description === undefined && settings === undefined) {
    throw invalidInput('Say what to change: name, description or settings.');
  }
  const content = changed(profile, command.changes);
  if (JSON.stringify(content) === JSON.stringify(profile)) return [];
  return [
    {
      type: 'AutopilotProfileUpdated',
      data: { profileId, customerTenantId, partnerTenantId: actingPartnerOf(actor), ...content },
    },
  ];
}

/**
 * R34: deleting a profile first removes it from its devices, in the same event: it names them, and
 * from then on they run no profile, in the registry, its history and the read model alike.
 */
export function deleteProfile(
  command: AutopilotCommandOf<'DeleteAutopilotProfile'>,
  state: AutopilotRegistryState,
  facts: AutopilotFacts,
): AutopilotEvent[] {
  const { actor, customerTenantId, profileId } = command;
  visibleProfile(state, command, facts);
  assertMayAutopilot(actor, customerTenantId, { kind: 'MANAGE_PROFILES' }, facts);
  const unassignedDeviceIds = [
    ...state.devices.filter((device) => device.profileId === profileId).keys(),
  ].sort();
  return [
    {
      type: 'AutopilotProfileDeleted',
      data: {
        profileId,
        customerTenantId,
        partnerTenantId: actingPartnerOf(actor),
        unassignedDeviceIds,
      },
    },
  ];
}
