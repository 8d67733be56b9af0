import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyKeys } from '../graphql/idempotency/idempotency-keys';
import { PolicyReactor } from '../policies/policy.reactor';
import { SETTINGS, type Settings } from '../config/settings';
import { EVENT_STORE, type EventStore } from '../event-store/event-store';
import { logCatchUpProgress } from '../health/catch-up-progress';
import { FaultMonitor } from '../health/fault-monitor';
import { Readiness } from '../health/readiness';
import { PROJECTOR, type Projector } from '../projection-engine/projector';
import { READ_STORE, type ReadStore } from '../read-store/read-store';
import { backoffMs } from '../common/backoff';

const PROGRESS_EVERY_MS = 5_000;
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/**
 * Starts in the background, so the HTTP port opens at once: read models caught up, then any
 * follow-up a crash interrupted completed and visible; then the server is ready. A start that fails (store unreachable) is retried with backoff while
 * /health/ready says why. It begins at bootstrap, once the command bus has the handlers the
 * follow-ups dispatch to. On shutdown the writers stop first and the stores close last.
 */
@Injectable()
export class LedgerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Startup');
  private readonly stopping = new AbortController();
  private starting?: Promise<void>;
  private ready = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PROJECTOR) private readonly engine: Projector,
    private readonly followUps: PolicyReactor,
    private readonly idempotencyKeys: IdempotencyKeys,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly readiness: Readiness,
    private readonly faults: FaultMonitor,
  ) {}

  onApplicationBootstrap(): void {
    // Ready is said only once the files were checked (on a worker thread, beside the catch-up).
    const checked = this.faults.startIntegrityChecks();
    this.starting = this.startUntilReady(checked);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    // A catch-up the start is waiting for (a large store, an unreachable EventStoreDB) ends when
    // the engine stops; the start then gives up before it starts anything more.
    if (!this.ready) await this.engine.stop();
    // A start-up attempt still running would otherwise start a worker after the stop below.
    await this.starting;
    await this.followUps.stop();
    await this.engine.stop();
    this.readStore.close();
    this.idempotencyKeys.close();
    await this.store.close();
  }

  private async startUntilReady(integrityChecked: Promise<unknown>): Promise<void> {
    const started = Date.now();
    const stopLogging = logCatchUpProgress(
      this.engine,
      (message) => this.logger.log(message),
      PROGRESS_EVERY_MS,
    );
    try {
      for (let attempt = 1; !this.stopping.signal.aborted; attempt++) {
        try {
          await this.start();
          await integrityChecked;
          if (this.stopping.signal.aborted) return;
          this.ready = true;
          this.readiness.markReady();
          const head = await this.store.headPosition();
          this.logger.log(
            `ready: read models caught up with position ${head} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
          );
          return;
        } catch (error) {
          if (this.stopping.signal.aborted) return;
          const delay = backoffMs(attempt, RETRY_FIRST_MS, RETRY_MAX_MS);
          this.readiness.problem = (error as Error).message;
          this.logger.warn(
            `start-up failed (attempt ${attempt}), retrying in ${delay / 1000} s: ${this.readiness.problem}`,
          );
          await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => undefined);
        }
      }
    } finally {
      stopLogging();
    }
  }

  private async start(): Promise<void> {
    await this.engine.start();
    if (this.stopping.signal.aborted) return;
    await this.followUps.start();
    await this.engine.waitFor(
      await this.store.headPosition(),
      this.settings.READ_YOUR_WRITES_TIMEOUT_MS,
    );
  }
}
