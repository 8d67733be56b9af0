import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { PROJECTOR, type Projector } from '../projection-engine/projector';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTOR) private readonly engine: Projector,
  ) {}

  /** 200 when the event store answers and no projection failed; 503 otherwise. */
  @Get()
  async health(@Res() response: Response): Promise<void> {
    const eventStore = await this.store.health();
    const projections = await this.engine.status();
    const up =
      eventStore.status === 'UP' &&
      projections.every((projection) => projection.status !== 'FAILED');
    response
      .status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .json({ status: up ? 'UP' : 'DOWN', eventStore, projections });
  }
}
