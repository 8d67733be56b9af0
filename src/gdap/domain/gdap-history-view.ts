import type { GdapStreamEvent } from './events';
import type { GdapState } from './gdap-state';

/**
 * What `history` shows of a partner's GDAP state after `event` (R43): how many relationships the
 * partner has, and the relationship the event is about as it stands then (null: deleted). The
 * stream holds every relationship of the partner with any customer; the whole state after each of
 * its events would grow with the square of its size, as the Autopilot registry's would.
 */
export function gdapViewAfter(state: GdapState, event: GdapStreamEvent | undefined): unknown {
  const relationshipId =
    event && 'relationshipId' in event.data ? event.data.relationshipId : undefined;
  return {
    totals: { relationships: state.relationships.size },
    ...(state.revocationsUnderway.size > 0 && {
      revocationsUnderway: [...state.revocationsUnderway],
    }),
    relationships:
      relationshipId === undefined
        ? {}
        : { [relationshipId]: state.relationships.get(relationshipId) ?? null },
  };
}
