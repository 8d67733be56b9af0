import type { EventType, Recorded, RecordedOf } from '../../events';
import type { ReadAllOptions, RecordedEvent } from '../event-store/event-store';
import type { SqlRunner } from '../read-store/read-store';

export type { Recorded, RecordedEvent, RecordedOf, SqlRunner };

/** Sees every event as stored (not upcast, possibly of a type this version cannot read). */
export type ProjectionHandler = (event: RecordedEvent, db: SqlRunner) => void;

/** What one event type does to a read model, given the event typed by its type. */
export type HandlerOf<Type extends EventType> = (event: RecordedOf<Type>, db: SqlRunner) => void;

/**
 * A projection's handlers, keyed by event type and typed by it: renaming or removing an event
 * type is a type error in every projection that handles it.
 */
export type ProjectionHandlers = { [Type in EventType]?: HandlerOf<Type> };

/**
 * A read model: its tables and what each event type does to them. Handlers must be idempotent
 * upserts; the engine applies each event once per checkpoint, in global order.
 */
export interface Projection {
  name: string;
  /** Bump when tables or handlers change: the read model is rebuilt from the first event. */
  version: number;
  /** Tables this projection owns; dropped on rebuild. */
  tables: string[];
  /** DDL creating the tables and indexes (IF NOT EXISTS). */
  schema: string[];
  /**
   * Indexes only queries read (handlers never look rows up by them). A rebuild creates them once
   * its replay is done: one sorted build instead of a random write per row, and the engine
   * refuses queries on a rebuilding read model anyway.
   */
  queryIndexes?: string[];
  handlers: ProjectionHandlers;
  /** Runs for every event, before the type's own handler (the audit log wants them all). */
  everyEvent?: ProjectionHandler;
  /**
   * Instead of `everyEvent`: makes that handler afresh for each batch the engine applies in one
   * transaction (and for each retry of one event), so what it keeps in memory from one event to the
   * next (the audit chain's previous hash, the users seen) never outlives a batch that was rolled
   * back; its `end` writes what it kept, inside the batch's transaction. It keeps values, not the
   * events: the engine may let go of an event's parsed content once the event is applied.
   */
  everyEventOfBatch?: () => BatchHandler;
  /**
   * What the every-event handler reads of an event: its `metadata` alone, or its `content` (data
   * and metadata; the default). It decides which events are poison for this read model: one whose
   * metadata cannot be read is poison for every read model it concerns; one whose data cannot be
   * read (or upcast) only for those that read its data, through a handler for its type or an
   * every-event handler that reads content. For a `metadata` reader the engine parses an event's
   * data only when one of its typed handlers handles the event's type (the handler sees `data`
   * undefined otherwise), the same whether it is replayed alone or with others.
   */
  everyEventReads?: 'metadata' | 'content';
  /**
   * What happens once an event its handlers throw on is dead-lettered (after bounded retries):
   * `CONTINUE` (the default) skips it and keeps going; `FAIL` stops the projection there (FAILED,
   * its queries refused with NOT_READY) until `projections retry` applies it.
   */
  deadLetterPolicy?: DeadLetterPolicy;
  /**
   * The version this one supersedes (same name, a lower version), while this one is built beside
   * it: the engine keeps applying new events to the live previous version with these handlers
   * until the switch, so it stays current (read-your-writes holds, no `previousVersions` note).
   * Delete it once every instance runs this version and the switch happened (README, Blue/green).
   */
  previous?: Projection;
  /**
   * Tables this version adds that its queries do without while the previous version serves (they
   * read the live tables meanwhile, as without the table): the engine still builds this version
   * beside the live one, instead of first, when only these are missing there.
   */
  addedTables?: string[];
  /**
   * Columns this version adds to tables the previous version has (table: columns), which its
   * queries do without while the previous version serves (they ask the live table for them): as
   * `addedTables`, the previous version then serves while this one builds instead of none.
   */
  addedColumns?: Readonly<Record<string, readonly string[]>>;
  /**
   * Tables an earlier version had that this one no longer writes: dropped when this version goes
   * live (the switch of a blue/green build, or an in-place rebuild), so an upgrade leaves none behind.
   */
  retiredTables?: string[];
}

export type DeadLetterPolicy = 'FAIL' | 'CONTINUE';

/** Whether `event` concerns `projection` at all (it has a handler for it or wants every event). */
export function concerns(projection: Projection, event: RecordedEvent): boolean {
  return (
    projection.everyEvent !== undefined ||
    projection.everyEventOfBatch !== undefined ||
    event.type in projection.handlers
  );
}

/** Whether `projection` reads `event`'s data: a handler for its type, or it reads every event's. */
export const readsDataOf = (projection: Projection, event: RecordedEvent): boolean =>
  event.type in projection.handlers || readsEveryEventContent(projection);

/** Whether `projection` has an every-event handler that reads each event's data. */
const readsEveryEventContent = (projection: Projection): boolean =>
  (projection.everyEvent !== undefined || projection.everyEventOfBatch !== undefined) &&
  (projection.everyEventReads ?? 'content') === 'content';

/**
 * Whether a page read for these projections should leave each event unparsed until one of them
 * applies it (`ReadAllOptions.deferContent`): when none reads every event's data, so that what
 * none reads is never parsed (the data of the events none handles by type; all of an event none
 * concerns); and for one projection alone, so that each event's content can be let go once
 * applied (`ReadablePage`). Not for several one of which reads every event's data: deferring then
 * parses them all anyway, keeping the page's stored text alive beside them.
 */
const defersContent = (projections: readonly Projection[]): boolean =>
  projections.length === 1 || !projections.some(readsEveryEventContent);

/**
 * How to read a page for these projections: deferred (`defersContent`), and unless the whole
 * events are `wanted` elsewhere (a listener hears of them), without the data of the types none of
 * them reads (`ReadAllOptions.dataOfTypes`; none left out when one reads every event's data).
 */
export function pageReading(
  projections: readonly Projection[],
  wanted = false,
): Pick<ReadAllOptions, 'deferContent' | 'dataOfTypes'> {
  const deferContent = defersContent(projections);
  if (!deferContent || wanted || projections.some(readsEveryEventContent)) return { deferContent };
  const dataOfTypes = new Set(
    projections.flatMap((projection) => Object.keys(projection.handlers)),
  );
  return { deferContent, dataOfTypes };
}

/** One batch's every-event handler (`Projection.everyEventOfBatch`). */
export interface BatchHandler {
  /** Each event of the batch, in order, before the type's own handler. */
  event: ProjectionHandler;
  /** After the batch's last event, in the same transaction. */
  end?: (db: SqlRunner) => void;
}

/** The handler every event of one batch goes through first, if the projection has one. */
export const batchHandlerOf = (projection: Projection): BatchHandler | undefined =>
  projection.everyEventOfBatch?.() ??
  (projection.everyEvent ? { event: projection.everyEvent } : undefined);

/**
 * The tables to drop when `projection`'s version goes live (a switch or an in-place rebuild): its
 * own, those it retired, and its declared previous version's (which may have had others).
 */
export const tablesReplacedBy = (projection: Projection): string[] => [
  ...new Set([
    ...projection.tables,
    ...(projection.retiredTables ?? []),
    ...(projection.previous?.tables ?? []),
  ]),
];

/** The definition of `projection` at `version`: itself, or the previous version it declares. */
export const definitionAt = (projection: Projection, version: number): Projection | undefined =>
  projection.version === version
    ? projection
    : projection.previous?.version === version
      ? projection.previous
      : undefined;

/** Throws unless `projection`'s previous version, if declared, is an earlier version of it. */
export function checkPrevious(projection: Projection): void {
  const { previous } = projection;
  if (!previous) return;
  if (previous.name !== projection.name || previous.version >= projection.version) {
    throw new Error(
      `Projection ${projection.name} v${projection.version} declares as previous ${previous.name} v${previous.version}: it must be the same projection at a lower version`,
    );
  }
}

/** Applies `event` (upcast) to `projection` through the handler of its type, if it has one. */
export function applyTyped(projection: Projection, event: Recorded, db: SqlRunner): void {
  // The one place an event's type picks its handler: TypeScript cannot correlate the two.
  const handler = projection.handlers[event.type] as HandlerOf<EventType> | undefined;
  handler?.(event, db);
}

export type ProjectionRunStatus = 'LIVE' | 'CATCHING_UP' | 'REBUILDING' | 'FAILED';

/** A version being built beside the live one (blue/green), while it is. */
export interface BuildStatus {
  version: number;
  checkpoint: number;
  lag: number;
  /** Its checkpoint over the store's head, 0 to 1. */
  progress: number;
  /** BUILDING (replaying), SWITCHING (caught up, goes live at the head), FAILED (a poison event, FAIL policy). */
  state: 'BUILDING' | 'SWITCHING' | 'FAILED';
  /** Who holds its lock (`host:pid:thread:id`), and until when unless renewed. */
  owner: string | null;
  leaseExpiresAt: string | null;
  error?: string;
  deadLetters: number;
  /** The live version is this one (a rebuild of the same version) or the one it declares `previous`: it keeps up until the switch. */
  liveKeptUp: boolean;
}

export interface ProjectionStatus {
  name: string;
  /** The version served (the live one). */
  version: number;
  checkpoint: number;
  lag: number;
  status: ProjectionRunStatus;
  error?: string;
  /** Events set aside in the dead-letter table (`projections dead-letters`). */
  deadLetters: number;
  build?: BuildStatus;
}

export const PROJECTIONS = Symbol('Projections');
