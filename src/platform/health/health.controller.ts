import { Controller, Get, HttpStatus, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TokenVerifier } from '../auth/token-verifier';
import { isOperator } from '../domain/actor';
import { PROJECTOR, type Projector } from '../projection-engine/projector';
import { progressOf } from './catch-up-progress';
import { FaultMonitor } from './fault-monitor';
import { isReady, Readiness } from './readiness';

/**
 * Probes. Anonymous callers learn only up or down (and, while starting, how far the catch-up is);
 * the event store, projections and checkpoints are shown to a verified Operator token only.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly faults: FaultMonitor,
    @Inject(PROJECTOR) private readonly engine: Projector,
    private readonly readiness: Readiness,
    private readonly verifier: TokenVerifier,
  ) {}

  /** 200 while the event store answers, no projection failed and no fault is seen; 503 otherwise. */
  @Get()
  async health(@Req() request: Request, @Res() response: Response): Promise<void> {
    const details = await this.details();
    const up = details.problems.length === 0 && !details.failed;
    await this.answer(request, response, up, { status: up ? 'UP' : 'DOWN' }, details);
  }

  /** Liveness: the process answers. */
  @Get('live')
  live(@Res() response: Response): void {
    response.status(HttpStatus.OK).json({ status: 'UP' });
  }

  /**
   * Readiness: started (read models caught up with the store at start), both stores able to
   * commit, the projections moving, the disk not full, the files sound, and no read model failed
   * or being rebuilt. Why not is in `problems` for the Operator (and in `/metrics`).
   */
  @Get('ready')
  async ready(@Req() request: Request, @Res() response: Response): Promise<void> {
    const details = await this.details();
    const ready = isReady(this.readiness.ready, details.problems, details.projections);
    const percent = details.catchUp?.percent;
    await this.answer(
      request,
      response,
      ready,
      {
        status: ready ? 'READY' : 'NOT_READY',
        ...(percent === undefined ? {} : { catchUp: { percent } }),
      },
      details,
    );
  }

  private async details() {
    const { eventStore, problems } = await this.faults.report();
    // Their lag needs the store's head: unknown while the store is down (a probe never waits on it).
    const projections =
      eventStore.status === 'UP' ? await this.engine.status().catch(() => []) : [];
    return {
      eventStore,
      problems,
      projections,
      // While starting, how far the catch-up is (unknown while the store is down).
      catchUp:
        this.readiness.ready || projections.length === 0 ? undefined : progressOf(projections),
      failed: projections.some((projection) => projection.status === 'FAILED'),
    };
  }

  private async answer(
    request: Request,
    response: Response,
    ok: boolean,
    summary: Record<string, unknown>,
    details: Awaited<ReturnType<HealthController['details']>>,
  ): Promise<void> {
    const body = (await this.isOperator(request))
      ? {
          ...summary,
          startedAt: this.readiness.startedAt.toISOString(),
          // Caught up at start: one condition of readiness, whose verdict is `status`.
          started: this.readiness.ready,
          ...(this.readiness.problem ? { problem: this.readiness.problem } : {}),
          ...(details.catchUp ? { catchUp: details.catchUp } : {}),
          eventStore: details.eventStore,
          ...(details.problems.length > 0 ? { problems: details.problems } : {}),
          projections: details.projections,
        }
      : summary;
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(body);
  }

  private async isOperator(request: Request): Promise<boolean> {
    if (!request.headers.authorization) return false;
    try {
      return isOperator(await this.verifier.verify(request.headers.authorization));
    } catch {
      return false;
    }
  }
}
