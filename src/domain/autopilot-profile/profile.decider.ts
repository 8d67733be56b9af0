import { assertMayAutopilot, assertMaySeeAutopilot } from '../access/autopilot-access';
import type { Actor } from '../shared/actor';
import { assertNever, type Decider, unhandled } from '../shared/decider';
import { invalidInput, notFound } from '../shared/domain-error';
import type { AutopilotProfileCommand, ProfileChanges } from './commands';
import {
  AUTOPILOT_SETTINGS,
  type AutopilotProfileEvent,
  type AutopilotSetting,
  type ProfileContent,
} from './events';

export interface AutopilotProfileState {
  status: 'NONE' | 'ACTIVE' | 'DELETED';
  profileId: string | null;
  customerTenantId: string | null;
  content: ProfileContent;
}

const NAME_MAX = 200;
const DESCRIPTION_MAX = 1_500;

type Of<T extends AutopilotProfileCommand['type']> = Extract<AutopilotProfileCommand, { type: T }>;

const partnerOf = (actor: Actor): string | null =>
  actor.tenantKind === 'partner' ? actor.tenantId : null;

function validName(name: string | null | undefined): string {
  const trimmed = (name ?? '').trim();
  if (!trimmed || trimmed.length > NAME_MAX) {
    throw invalidInput(`An Autopilot profile needs a name of 1 to ${NAME_MAX} characters.`);
  }
  return trimmed;
}

function validDescription(description: string | null | undefined): string | null {
  const trimmed = (description ?? '').trim();
  if (trimmed.length > DESCRIPTION_MAX) {
    throw invalidInput(`A profile description has at most ${DESCRIPTION_MAX} characters.`);
  }
  return trimmed || null;
}

/** Known settings once each, in the canonical order. */
function validSettings(settings: readonly AutopilotSetting[] | null | undefined) {
  const unknown = (settings ?? []).filter((setting) => !AUTOPILOT_SETTINGS.includes(setting));
  if (unknown.length) throw invalidInput(`Unknown Autopilot settings: ${unknown.join(', ')}.`);
  return AUTOPILOT_SETTINGS.filter((setting) => settings?.includes(setting));
}

function changed(state: AutopilotProfileState, changes: ProfileChanges): ProfileContent {
  const { content } = state;
  return {
    name: changes.name === undefined ? content.name : validName(changes.name),
    description:
      changes.description === undefined
        ? content.description
        : validDescription(changes.description),
    settings: changes.settings === undefined ? content.settings : validSettings(changes.settings),
  };
}

/** An existing profile the caller may see, or NOT_FOUND (a deleted one is gone). */
function visible(
  state: AutopilotProfileState,
  command: Of<'UpdateAutopilotProfile' | 'DeleteAutopilotProfile'>,
) {
  if (state.status !== 'ACTIVE' || !state.customerTenantId || !state.profileId) {
    throw notFound('No such Autopilot profile.');
  }
  assertMaySeeAutopilot(command.actor, state.customerTenantId, command.facts);
  return { customerTenantId: state.customerTenantId, profileId: state.profileId };
}

function create(command: Of<'CreateAutopilotProfile'>, state: AutopilotProfileState) {
  assertMayAutopilot(
    command.actor,
    command.customerTenantId,
    { kind: 'MANAGE_PROFILES' },
    command.facts,
  );
  if (state.status !== 'NONE') return [];
  const event: AutopilotProfileEvent = {
    type: 'AutopilotProfileCreated',
    data: {
      profileId: command.profileId,
      customerTenantId: command.customerTenantId,
      partnerTenantId: partnerOf(command.actor),
      name: validName(command.name),
      description: validDescription(command.description),
      settings: validSettings(command.settings),
    },
  };
  return [event];
}

function update(command: Of<'UpdateAutopilotProfile'>, state: AutopilotProfileState) {
  const { customerTenantId, profileId } = visible(state, command);
  assertMayAutopilot(command.actor, customerTenantId, { kind: 'MANAGE_PROFILES' }, command.facts);
  const { name, description, settings } = command.changes;
  if (name === undefined && description === undefined && settings === undefined) {
    throw invalidInput('Say what to change: name, description or settings.');
  }
  const content = changed(state, command.changes);
  if (JSON.stringify(content) === JSON.stringify(state.content)) return [];
  const event: AutopilotProfileEvent = {
    type: 'AutopilotProfileUpdated',
    data: { profileId, customerTenantId, partnerTenantId: partnerOf(command.actor), ...content },
  };
  return [event];
}

/**
 * R34: a deleted profile is no longer assigned to any device. Devices keep a pointer to the
 * profile they run, and a pointer to a deleted profile counts as none (device.decider.ts, the
 * read model), so deleting is one append here, however many devices ran the profile.
 */
function remove(command: Of<'DeleteAutopilotProfile'>, state: AutopilotProfileState) {
  const { customerTenantId, profileId } = visible(state, command);
  assertMayAutopilot(command.actor, customerTenantId, { kind: 'MANAGE_PROFILES' }, command.facts);
  const event: AutopilotProfileEvent = {
    type: 'AutopilotProfileDeleted',
    data: { profileId, customerTenantId, partnerTenantId: partnerOf(command.actor) },
  };
  return [event];
}

/** One Autopilot profile of a customer (R30, R34, R35): its content and whether it still exists. */
export const autopilotProfileDecider: Decider<
  AutopilotProfileCommand,
  AutopilotProfileEvent,
  AutopilotProfileState
> = {
  initialState: {
    status: 'NONE',
    profileId: null,
    customerTenantId: null,
    content: { name: '', description: null, settings: [] },
  },

  evolve(state, event) {
    switch (event.type) {
      case 'AutopilotProfileCreated':
      case 'AutopilotProfileUpdated': {
        const { profileId, customerTenantId, name, description, settings } = event.data;
        return {
          status: 'ACTIVE',
          profileId,
          customerTenantId,
          content: { name, description, settings },
        };
      }
      case 'AutopilotProfileDeleted':
        return { ...state, status: 'DELETED' };
      default:
        return unhandled(state, event);
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreateAutopilotProfile':
        return create(command, state);
      case 'UpdateAutopilotProfile':
        return update(command, state);
      case 'DeleteAutopilotProfile':
        return remove(command, state);
      default:
        return assertNever(command);
    }
  },
};
