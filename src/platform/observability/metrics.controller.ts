import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Readiness } from '../health/readiness';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { PROJECTOR, type Projector } from '../projection-engine/projector';
import { Metrics } from './metrics';

/** Prometheus text format. Counts and positions only: no tenant, user or id appears in it. */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTOR) private readonly engine: Projector,
    private readonly readiness: Readiness,
  ) {}

  @Get()
  async scrape(@Res() response: Response): Promise<void> {
    // The projections' lag needs the store's head: left as last seen while the store is down.
    const up = (await this.store.health()).status === 'UP';
    this.metrics.storeUp.set(up ? 1 : 0);
    if (up) {
      const statuses = await this.engine.status().catch(() => undefined);
      if (statuses) this.metrics.observeProjections(statuses, this.readiness.ready);
    }
    response
      .status(200)
      .type(this.metrics.registry.contentType)
      .send(await this.metrics.registry.metrics());
  }
}
