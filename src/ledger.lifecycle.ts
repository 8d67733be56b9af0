import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from './event-store/event-store';
import { PROJECTION_ENGINE, type ProjectionEngine } from './projection-engine/projection-engine';
import { READ_STORE, type ReadStore } from './read-store/read-store';

/** Brings the read models up to date before the server answers, and closes the stores last. */
@Injectable()
export class LedgerLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PROJECTION_ENGINE) private readonly engine: ProjectionEngine,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.engine.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.engine.stop();
    this.readStore.close();
    await this.store.close();
  }
}
