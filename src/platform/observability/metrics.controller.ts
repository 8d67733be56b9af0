import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Readiness } from '../health/readiness';
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
    if (up) {
      const statuses = await this.engine.status().catch(() => undefined);
      const ready =
        this.readiness.ready &&
        report.problems.length === 0 &&
        !statuses?.some((status) => status.status === 'FAILED' || status.status === 'REBUILDING');
      if (statuses) this.metrics.observeProjections(statuses, ready);
    }
    response
      .status(200)
      .type(this.metrics.registry.contentType)
      .send(await this.metrics.registry.metrics());
  }
}
