import { type ChangeObject, diffArrays } from 'diff';
import type { EventStore, RecordedEvent } from '../platform/event-store/event-store';
import type { Problems } from './problems';
import {
  checkSeal,
  digestList,
  emptiedBefore,
  GENESIS_SEAL_HASH,
  RangeHasher,
  readSeal,
  SEAL_STREAM,
  type SealData,
  sealKeyId,
} from './seal';

/** What the seal chain says, whatever problems it has. */
export interface SealSummary {
  /** The id of the key verify used (none: seals could not be checked). */
  keyId?: string;
  seals: number;
  /** The last position the latest trusted seal covers (0: none). */
  sealedThrough: number;
  /** The latest trusted seal: anchor its hash outside the store (see `--anchor`). */
  latest?: { sequence: number; position: number; sealHash: string };
  /** Events after `sealedThrough`, seals aside: no seal covers them yet. */
  unsealed: number;
}

const SEAL_PAGE = 100;
const MAX_EVENT_PAGE = 5000;
/** Beyond this many differences in one range, its events are reported as one changed range. */
const MAX_EDITS = 2000;

interface Expected {
  sequence: number;
  /** Unknown after a malformed seal. */
  previousSealHash?: string;
  from?: number;
}

/**
 * Walks the seals in order and recomputes each one's range from the event store: a changed,
 * inserted or removed event, a forged, foreign, missing or unlinked seal, and gaps between
 * ranges are all reported (up to the problems' limit). What follows the latest seal cannot be
 * checked from inside the store; it is counted as unsealed.
 */
export async function verifySeals(
  store: EventStore,
  key: string | undefined,
  problems: Problems,
  anchor?: string,
): Promise<SealSummary> {
  const summary: SealSummary = {
    keyId: key && sealKeyId(key),
    seals: 0,
    sealedThrough: 0,
    unsealed: 0,
  };
  let expected: Expected = { sequence: 0, previousSealHash: GENESIS_SEAL_HASH, from: 0 };
  let anchored = false;
  for await (const event of sealEvents(store)) {
    if (problems.truncated) return summary;
    if (summary.seals === 0 && !key) {
      problems.add({
        kind: 'no-key',
        message:
          'There is no seal key (AUDIT_SEAL_KEY, or DATA_DIR/audit-seal-key): the seals cannot be checked.',
      });
    }
    summary.seals += 1;
    const sequence = event.revision;
    const missing = sequence > expected.sequence;
    if (missing) {
      const which =
        sequence - expected.sequence === 1
          ? `Seal #${expected.sequence} is`
          : `Seals #${expected.sequence} to #${sequence - 1} are`;
      const uncovered =
        expected.from === undefined ? '' : `: the events after position ${expected.from}`;
      problems.add({
        kind: 'seal-missing',
        seal: expected.sequence,
        message: `${which} missing from the chain${uncovered} up to where seal #${sequence} begins are covered by no seal.`,
      });
    }
    const read = readSeal(event);
    if ('malformed' in read) {
      problems.add({
        kind: 'seal-malformed',
        seal: sequence,
        position: event.position,
        message: `Seal #${sequence} (position ${event.position}) is malformed: ${read.malformed}.`,
      });
      expected = { sequence: sequence + 1 };
      continue;
    }
    const seal = read.seal;
    const check = key ? checkSeal(key, event, seal) : undefined;
    const trusted = check !== 'forged' && check !== 'other-key';
    if (check === 'forged') {
      problems.add({
        kind: 'seal-forged',
        seal: sequence,
        position: event.position,
        message: `Seal #${sequence} (position ${event.position}) does not verify with the key: it was forged or altered, so the events it claims, positions (${seal.from}, ${seal.through}], are unverified.`,
      });
    } else if (check === 'other-key') {
      problems.add({
        kind: 'seal-other-key',
        seal: sequence,
        position: event.position,
        message: `Seal #${sequence} (position ${event.position}) was made with another key (key id ${seal.keyId}, not ${summary.keyId}): it cannot be checked.`,
      });
    }
    if (!missing) checkLink(expected, sequence, seal, problems);
    if (trusted) {
      await checkRange(store, seal, problems);
      summary.sealedThrough = seal.through;
      summary.latest = { sequence, position: event.position, sealHash: seal.sealHash };
    }
    if (check === 'valid' && seal.sealHash === anchor) anchored = true;
    // An untrusted seal's range says nothing: the next seal's start is not checked against it.
    expected = {
      sequence: sequence + 1,
      previousSealHash: seal.sealHash,
      from: trusted ? seal.through : undefined,
    };
  }
  if (problems.truncated) return summary;
  if (anchor !== undefined && !anchored) {
    problems.add({
      kind: 'anchor-missing',
      message: `No valid seal has the anchored hash ${anchor}: the chain was cut back or rewritten since it was taken.`,
    });
  }
  summary.unsealed = await walkUnsealed(store, summary.sealedThrough, problems);
  return summary;
}

async function* sealEvents(store: EventStore): AsyncGenerator<RecordedEvent> {
  let fromRevision = 0;
  for (;;) {
    const page = await store.readStream(SEAL_STREAM, { fromRevision, maxCount: SEAL_PAGE });
    yield* page;
    if (page.length < SEAL_PAGE) return;
    fromRevision = page[page.length - 1].revision + 1;
  }
}

function checkLink(expected: Expected, sequence: number, seal: SealData, problems: Problems) {
  const previous = expected.previousSealHash;
  if (previous !== undefined && seal.previousSealHash !== previous) {
    problems.add({
      kind: 'seal-unlinked',
      seal: sequence,
      message: `Seal #${sequence} does not follow seal #${sequence - 1}: it names ${seal.previousSealHash} as the previous seal's hash, which is ${previous}.`,
    });
  }
  if (expected.from === undefined || seal.from === expected.from) return;
  problems.add(
    seal.from > expected.from
      ? {
          kind: 'range-gap',
          seal: sequence,
          message: `No seal covers the events after position ${expected.from} up to ${seal.from}: seal #${sequence} begins after ${seal.from}.`,
        }
      : {
          kind: 'range-overlap',
          seal: sequence,
          message: `Seal #${sequence} begins after position ${seal.from}, inside the range of the seal before it (which ends at ${expected.from}).`,
        },
  );
}

interface SealedEvent {
  event: RecordedEvent;
  digest: string;
}

const describe = ({ event }: SealedEvent): string =>
  `position ${event.position} (${event.type} ${event.id} in ${event.streamId})`;

/** Recomputes one seal's range; where it differs, the changed, inserted and removed events. */
async function checkRange(store: EventStore, seal: SealData, problems: Problems): Promise<void> {
  const hasher = new RangeHasher();
  const events: SealedEvent[] = [];
  const pageSize = Math.min(MAX_EVENT_PAGE, seal.count + 1);
  let after = seal.from;
  reading: for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize });
    for (const event of page) {
      if (event.position > seal.through) break reading;
      events.push({ event, digest: hasher.add(event) });
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1].position;
  }
  const actual = hasher.digest();
  if (actual.count === seal.count && actual.eventsHash === seal.eventsHash) return;
  const sealed = digestList(seal);
  const changes =
    sealed &&
    diffArrays(
      sealed,
      events.map((event) => event.digest),
      { maxEditLength: MAX_EDITS },
    );
  const before = problems.found.length;
  if (changes) reportChanges(changes, events, seal, problems);
  if (problems.found.length === before && !problems.truncated) {
    const moved = changes?.every((change) => !change.added && !change.removed);
    problems.add({
      kind: 'range-changed',
      seal: seal.sequence,
      message: moved
        ? `The events in positions (${seal.from}, ${seal.through}] are the ones seal #${seal.sequence} sealed, but some of them moved to other positions.`
        : `The events in positions (${seal.from}, ${seal.through}] are not what seal #${seal.sequence} sealed: ${actual.count} events now, ${seal.count} sealed.`,
    });
  }
}

/** Turns the differences between the sealed and the present digests into one problem per event. */
function reportChanges(
  changes: ChangeObject<string[]>[],
  events: SealedEvent[],
  seal: SealData,
  problems: Problems,
): void {
  const by = `seal #${seal.sequence}`;
  let index = 0;
  for (let at = 0; at < changes.length && !problems.truncated; at++) {
    const change = changes[at];
    if (!change.added && !change.removed) {
      index += change.count;
      continue;
    }
    const removed = change.removed ? change.count : 0;
    const next = change.removed ? changes[at + 1] : change;
    const added = next?.added ? next.count : 0;
    if (change.removed && added > 0) at += 1;
    const present = events.slice(index, index + added);
    present.forEach((sealed, offset) =>
      problems.add(
        offset < removed
          ? {
              kind: 'event-changed',
              seal: seal.sequence,
              position: sealed.event.position,
              message: `The event at ${describe(sealed)} was changed after ${by} sealed it.`,
            }
          : {
              kind: 'event-inserted',
              seal: seal.sequence,
              position: sealed.event.position,
              message: `The event at ${describe(sealed)} was inserted into the range ${by} sealed.`,
            },
      ),
    );
    index += added;
    const gone = removed - added;
    if (gone > 0) {
      const afterPosition = events[index - 1]?.event.position ?? seal.from;
      const until = events[index]?.event.position;
      const where =
        until === undefined
          ? `after position ${afterPosition} up to ${seal.through}`
          : `between positions ${afterPosition} and ${until}`;
      problems.add({
        kind: 'event-removed',
        seal: seal.sequence,
        message: `${gone === 1 ? 'An event' : `${gone} events`} that ${by} sealed ${gone === 1 ? 'is' : 'are'} gone from ${where}.`,
      });
    }
  }
}

/**
 * Counts the events no seal covers. Where the store's positions are dense, a position with no
 * event among them (or past the last, up to the highest ever given) is an event removed: without
 * seals over it, that is all that shows, whether the seals were never made or removed with it.
 */
async function walkUnsealed(store: EventStore, after: number, problems: Problems): Promise<number> {
  const removed = ({ from, to }: { from: number; to: number }) =>
    problems.add({
      kind: 'position-gap',
      position: from,
      message: `${from === to ? `Position ${from} holds` : `Positions ${from} to ${to} hold`} no event, where the event store never skips one: ${from === to ? 'an event was' : 'events were'} removed there, and no seal covers ${from === to ? 'it' : 'them'}.`,
    });
  let unsealed = 0;
  let last = after;
  const walkToTheEnd = async () => {
    for (;;) {
      const page = await store.readAll({
        after: last,
        maxCount: MAX_EVENT_PAGE,
        deferContent: true,
      });
      for (const event of page) {
        const emptied = emptiedBefore(store, event.position, last);
        if (emptied) removed(emptied);
        if (event.streamId !== SEAL_STREAM) unsealed += 1;
        last = event.position;
      }
      if (page.length < MAX_EVENT_PAGE || problems.truncated) return;
    }
  };
  await walkToTheEnd();
  const issued = (await store.positionsIssued?.()) ?? 0;
  // A running server may have appended since the walk ended: read on before calling any missing.
  if (issued > last) await walkToTheEnd();
  const emptied = emptiedBefore(store, issued + 1, last);
  if (emptied && !problems.truncated) removed(emptied);
  return unsealed;
}
