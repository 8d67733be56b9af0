import { Inject, Injectable, type Provider, type Type } from '@nestjs/common';
import { CLOCK, type Clock } from '../config/clock';
import { SETTINGS, type Settings } from '../config/settings';
import {
  noteReadModels,
  notePreviousVersions,
  readAfterPosition,
} from '../consistency/consistency-token';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { ReadModelNotReadyError } from '../projection-engine/checkpoints';
import { PROJECTOR, type Projector } from '../projection-engine/projector';
import { ReadYourWritesTimeoutError } from '../projection-engine/visible-position';
import { READ_STORE, type ReadStore } from './read-store';

/** What every read needs besides its own queries: whether its read models are serving, and now. */
@Injectable()
export class ReadSide {
  constructor(
    @Inject(PROJECTOR) private readonly engine: Projector,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  /**
   * R43: the moment a past page is read at. One later than now is read as now: the log holds
   * nothing past it, and what a relationship will be then (extended, or expired) is no record.
   */
  pastMoment<At extends Date | undefined>(asOf: At): At {
    const now = this.now();
    return (asOf && asOf > now ? now : asOf) as At;
  }

  /**
   * Waits (bounded) while a named read model is being rebuilt, so no half-built page is served;
   * then until the named read models show what this request and its caller recorded before
   * (read-your-writes: only the read models a read names, never the others). A read model served
   * as a previous version left it is named in the answer's `extensions.previousVersions`. One
   * that stops serving before the answer leaves (an in-place rebuild emptied it meanwhile) turns
   * the answer into NOT_READY (`stillServingPlugin`).
   */
  async ready(...names: string[]): Promise<void> {
    notePreviousVersions(await this.engine.whenServing(names, this.settings.NOT_READY_WAIT_MS));
    noteReadModels(names);
    if (names.length === 0) return;
    const position = readAfterPosition();
    if (position > 0) {
      await this.engine.waitFor(position, this.settings.READ_YOUR_WRITES_TIMEOUT_MS, names);
    }
  }

  /**
   * As `ready`, then until the named read models show the event at `position` (bounded, as
   * read-your-writes is): a follow-up the reactor runs has no request whose writes they would wait
   * for, only the event it follows up.
   */
  async showing(position: number, ...names: string[]): Promise<void> {
    await this.ready(...names);
    await this.engine.waitFor(position, this.settings.READ_YOUR_WRITES_TIMEOUT_MS, names);
  }

  /**
   * As `ready`, then until the named read models show every event recorded so far (bounded, as
   * read-your-writes is): before a read model's word that something does not exist is answered
   * as NOT_FOUND, when what exists may have been recorded a moment ago by someone else.
   */
  async current(...names: string[]): Promise<void> {
    await this.ready(...names);
    const head = await this.store.headPosition();
    await this.engine
      .waitFor(head, this.settings.READ_YOUR_WRITES_TIMEOUT_MS, names)
      .catch((error: unknown) => {
        // Not a write of this request's: nothing was recorded, the read models are behind.
        if (error instanceof ReadYourWritesTimeoutError)
          throw new ReadModelNotReadyError(names.join(', '), 'BEHIND');
        throw error;
      });
  }
}

/** A read model's queries (a plain class over the read store) as a provider its room registers. */
export const queriesProvider = <Queries>(
  queries: new (readStore: ReadStore) => Queries,
): Provider => ({
  provide: queries as Type<Queries>,
  useFactory: (readStore: ReadStore) => new queries(readStore),
  inject: [READ_STORE],
});
