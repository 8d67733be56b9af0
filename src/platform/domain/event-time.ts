/**
 * A decided event that happened at a moment of its own rather than when it was decided: a
 * transition time alone decides (a GDAP relationship's expiry) recorded late, after a restart,
 * happened when it was due. Kept beside the event, not in it, so its data and equality are as
 * they were; the aggregate store stamps `occurredAt` from it.
 */
const HAPPENED_AT = new WeakMap<object, Date>();

export function happenedAt<Event extends object>(event: Event, at: Date): Event {
  HAPPENED_AT.set(event, at);
  return event;
}

/** The moment `event` happened at, where it has one of its own (happenedAt). */
export const ownMomentOf = (event: object): Date | undefined => HAPPENED_AT.get(event);

/** When `event` happened: its own moment where it has one, else when it was decided. */
export const occurredAtOf = (event: object, decidedAt: Date): Date =>
  ownMomentOf(event) ?? decidedAt;
