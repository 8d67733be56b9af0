import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { isReady, Readiness } from '../health/readiness';
import { FaultMonitor } from '../health/fault-monitor';
import { PROJECTOR, type Projector } from '../projection-engine/projector';
import { Metrics } from './metrics';

/** Prometheus text format. Counts and positions only: no tenant, user or id appears in it. */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly faults: FaultMonitor,
    @Inject(PROJECTOR) private readonly engine: Projector,
    private readonly readiness: Readiness,
  ) {}

  @Get()
  async scrape(@Res() response: Response): Promise<void> {
    // The projections' lag needs the store's head: left as last seen while the store is down.
    const report = await this.faults.report();
    const up = report.eventStore.status === 'UP';
    this.metrics.storeUp.set(up ? 1 : 0);
    this.metrics.observeFaults(report);
    const statuses = up ? await this.engine.status().catch(() => undefined) : undefined;
    if (statuses) this.metrics.observeProjections(statuses);
    // Set on every scrape, the store down included: a gauge left as last seen would say ready.
    this.metrics.observeReady(isReady(this.readiness.ready, report.problems, statuses ?? []));
    response
      .status(200)
      .type(this.metrics.registry.contentType)
      .send(await this.metrics.registry.metrics());
  }
}
