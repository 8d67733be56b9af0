import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { progressOf } from '../health/catch-up-progress';
import type { FaultReport } from '../health/fault-monitor';
import type { ProjectionStatus } from '../projection-engine/projection';

const PREFIX = 'partner_ledger_';
/** Seconds: from a cached page (~1 ms) to a read-your-writes wait running out (5 s). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The server's Prometheus metrics, in a registry of its own (one per app). Labels are bounded:
 * root field names, error codes, command and event type names, projection names; never ids.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: `${PREFIX}graphql_requests_total`,
    help: 'GraphQL requests over HTTP by operation (root field) and outcome (OK, the error code, or ABORTED: the client left before the answer)',
    labelNames: ['operation', 'outcome'],
    registers: [this.registry],
  });
  readonly refusals = new Counter({
    name: `${PREFIX}graphql_refusals_total`,
    help: 'GraphQL requests refused (an expected refusal, not a fault) by operation and code',
    labelNames: ['operation', 'code'],
    registers: [this.registry],
  });
  readonly requestSeconds = new Histogram({
    name: `${PREFIX}graphql_request_duration_seconds`,
    help: 'GraphQL request duration over HTTP by operation',
    labelNames: ['operation'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly commandSeconds = new Histogram({
    name: `${PREFIX}command_duration_seconds`,
    help: 'Command latency (decide, append, follow-ups, until its events are visible) by command and outcome',
    labelNames: ['command', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly appends = new Counter({
    name: `${PREFIX}appends_total`,
    help: 'Appends to the event store by outcome (ok, conflict: wrong expected revision, error)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly eventsAppended = new Counter({
    name: `${PREFIX}events_appended_total`,
    help: 'Events appended, by event type',
    labelNames: ['type'],
    registers: [this.registry],
  });
  readonly storeReconnects = new Counter({
    name: `${PREFIX}event_store_reconnects_total`,
    help: 'EventStoreDB calls and live subscriptions retried after a transient failure (the client reconnects), in both threads',
    registers: [this.registry],
  });
  readonly storeUp = new Gauge({
    name: `${PREFIX}event_store_up`,
    help: '1 while the event store answers, else 0',
    registers: [this.registry],
  });
  private readonly head = new Gauge({
    name: `${PREFIX}event_store_head_position`,
    help: "The event store's newest position",
    registers: [this.registry],
  });
  private readonly lag = new Gauge({
    name: `${PREFIX}projection_lag`,
    help: 'How many positions each read model is behind the event store',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  private readonly checkpoint = new Gauge({
    name: `${PREFIX}projection_checkpoint`,
    help: 'The position each read model has applied',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  private readonly state = new Gauge({
    name: `${PREFIX}projection_state`,
    help: "1 for each read model's current state (LIVE, CATCHING_UP, REBUILDING, FAILED), 0 for the others",
    labelNames: ['projection', 'state'],
    registers: [this.registry],
  });
  private readonly rebuildProgress = new Gauge({
    name: `${PREFIX}projection_rebuild_progress_ratio`,
    help: 'How far a rebuild (or the catch-up at start) has come, 0 to 1; 1 when caught up',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  private readonly buildVersion = new Gauge({
    name: `${PREFIX}projection_build_version`,
    help: 'The version of a read model being built beside the live one (blue/green), while one is',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  private readonly buildLag = new Gauge({
    name: `${PREFIX}projection_build_lag`,
    help: 'How many positions a version being built beside the live one is behind the event store',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  private readonly buildProgress = new Gauge({
    name: `${PREFIX}projection_build_progress_ratio`,
    help: 'How far a version being built beside the live one has come, 0 to 1',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  private readonly deadLetters = new Gauge({
    name: `${PREFIX}projection_dead_letters`,
    help: 'Events each read model set aside after its handlers kept throwing (`projections dead-letters`)',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  private readonly ready = new Gauge({
    name: `${PREFIX}ready`,
    help: '1 once the server is ready (read models caught up at start), else 0',
    registers: [this.registry],
  });

  private readonly faults = new Gauge({
    name: `${PREFIX}fault`,
    help: 'One series per fault keeping the server from being ready (check: event_store, read_store, projections, disk, integrity; cause: DISK_FULL, LOCKED, IO_ERROR, CORRUPT, STALLED, STOPPED, DOWN), absent when none',
    labelNames: ['check', 'cause'],
    registers: [this.registry],
  });
  private readonly diskFree = new Gauge({
    name: `${PREFIX}disk_free_bytes`,
    help: "Free bytes on DATA_DIR's file system",
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** The faults seen now; called on each scrape. */
  observeFaults(report: FaultReport): void {
    this.faults.reset();
    for (const { check, cause } of report.problems) this.faults.set({ check, cause }, 1);
    if (report.diskFreeBytes !== undefined) this.diskFree.set(report.diskFreeBytes);
  }

  /** Readiness as the probe tells it (isReady); called on each scrape. */
  observeReady(ready: boolean): void {
    this.ready.set(ready ? 1 : 0);
  }

  /** The projections' state as of now; called on each scrape. */
  observeProjections(statuses: readonly ProjectionStatus[]): void {
    const { head } = progressOf(statuses);
    this.head.set(head);
    // A build's series exist only while it runs.
    [this.buildVersion, this.buildLag, this.buildProgress].forEach((gauge) => gauge.reset());
    for (const status of statuses) {
      const projection = status.name;
      this.lag.set({ projection }, status.lag);
      this.checkpoint.set({ projection }, status.checkpoint);
      this.deadLetters.set({ projection }, status.deadLetters);
      for (const state of ['LIVE', 'CATCHING_UP', 'REBUILDING', 'FAILED']) {
        this.state.set({ projection, state }, status.status === state ? 1 : 0);
      }
      this.rebuildProgress.set({ projection }, head === 0 ? 1 : status.checkpoint / head);
      if (status.build) {
        this.buildVersion.set({ projection }, status.build.version);
        this.buildLag.set({ projection }, status.build.lag);
        this.buildProgress.set({ projection }, status.build.progress);
      }
    }
  }
}
