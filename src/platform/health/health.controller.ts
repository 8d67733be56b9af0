import { Controller, Get, HttpStatus, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TokenVerifier } from '../auth/token-verifier';
import { isOperator } from '../domain/actor';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { PROJECTOR, type Projector } from '../projection-engine/projector';
import { progressOf } from './catch-up-progress';
import { Readiness } from './readiness';

/**
 * Probes. Anonymous callers learn only up or down (and, while starting, how far the catch-up is);
 * the event store, projections and checkpoints are shown to a verified Operator token only.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTOR) private readonly engine: Projector,
    private readonly readiness: Readiness,
    private readonly verifier: TokenVerifier,
  ) {}

  /** 200 while the event store answers and no projection failed; 503 otherwise. */
  @Get()
  async health(@Req() request: Request, @Res() response: Response): Promise<void> {
    const details = await this.details();
    const up = details.eventStore.status === 'UP' && !details.failed;
    await this.answer(request, response, up, { status: up ? 'UP' : 'DOWN' }, details);
  }

  /** Liveness: the process answers. */
  @Get('live')
  live(@Res() response: Response): void {
    response.status(HttpStatus.OK).json({ status: 'UP' });
  }

  /**
   * Readiness: started (read models caught up with the store at start), the store answering, and
   * no read model failed or being rebuilt.
   */
  @Get('ready')
  async ready(@Req() request: Request, @Res() response: Response): Promise<void> {
    const details = await this.details();
    const ready =
      this.readiness.ready &&
      details.eventStore.status === 'UP' &&
      !details.failed &&
      !details.rebuilding;
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
    const eventStore = await this.store.health();
    // Their lag needs the store's head: unknown while the store is down (a probe never waits on it).
    const projections =
      eventStore.status === 'UP' ? await this.engine.status().catch(() => []) : [];
    return {
      eventStore,
      projections,
      // While starting, how far the catch-up is (unknown while the store is down).
      catchUp:
        this.readiness.ready || projections.length === 0 ? undefined : progressOf(projections),
      failed: projections.some((projection) => projection.status === 'FAILED'),
      rebuilding: projections.some((projection) => projection.status === 'REBUILDING'),
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
          ready: this.readiness.ready,
          ...(this.readiness.problem ? { problem: this.readiness.problem } : {}),
          ...(details.catchUp ? { catchUp: details.catchUp } : {}),
          eventStore: details.eventStore,
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
