import type { EventStore } from '../../src/platform/event-store/event-store';

export type Answer = { data?: any; errors?: { extensions?: Record<string, unknown> }[] };

/**
 * A deterministic interleaving: the first append to a stream of `category` (the partner's
 * action, already decided on the facts it read) waits until `revocation` has answered.
 */
export function revokeBeforeFirstAppendTo(
  store: EventStore,
  category: string,
  revocation: () => Promise<Answer>,
) {
  const append = store.append.bind(store);
  const revoked: { answer?: Answer } = {};
  store.append = async (streamId, events, expected) => {
    if (!revoked.answer && streamId.startsWith(`${category}-`)) {
      revoked.answer = { errors: [] };
      revoked.answer = await revocation();
    }
    return append(streamId, events, expected);
  };
  return {
    revoked,
    restore: () => {
      store.append = append;
    },
  };
}
