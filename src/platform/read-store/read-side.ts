import { Inject, Injectable, type Provider, type Type } from '@nestjs/common';
import { CLOCK, type Clock } from '../config/clock';
import { SETTINGS, type Settings } from '../config/settings';
import { PROJECTOR, type Projector } from '../projection-engine/projector';
import { READ_STORE, type ReadStore } from './read-store';

/** What every read needs besides its own queries: whether its read models are serving, and now. */
@Injectable()
export class ReadSide {
  constructor(
    @Inject(PROJECTOR) private readonly engine: Projector,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  /** Waits (bounded) while a named read model is being rebuilt, so no half-built page is served. */
  ready(...names: string[]): Promise<void> {
    return this.engine.whenServing(names, this.settings.NOT_READY_WAIT_MS);
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
