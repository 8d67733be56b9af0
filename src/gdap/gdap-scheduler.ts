import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { GdapRelationshipsQueries } from '../../projections/gdap/gdap-relationships.queries';
import { CLOCK, type Clock } from '../platform/config/clock';
import { EVENT_STORE, type EventStore } from '../platform/event-store/event-store';
import { SETTINGS, type Settings } from '../platform/config/settings';
import type { Actor } from '../platform/domain/actor';
import { Readiness } from '../platform/health/readiness';
import { ReadSide } from '../platform/read-store/read-side';
import { AggregateStore } from '../platform/write/aggregate-store';
import { nextDueAt } from './domain/due-transitions';
import { gdapDecider } from './domain/gdap.decider';
import { gdapStreamId } from './domain/gdap-ids';
import { requestsFinishedBy } from './requests-finished';
import { OPERATOR_TENANT_ID } from '../platform/domain/ids';

/** Who the audit log names for transitions nobody asked for (R63: time did). */
const SCHEDULER_ACTOR: Actor = {
  userId: 'gdap-scheduler',
  name: 'GDAP scheduler',
  tenantId: OPERATOR_TENANT_ID,
  tenantKind: 'operator',
  roles: [],
};

/**
 * R69: records GDAP's time-based transitions (approval expiry, expiring, expired, auto-extension,
 * and the asynchronous steps: assignments activated and deleted, termination finished). What it
 * keeps in memory is derived from the streams: each partner's stream says what is due
 * (`nextDueAt`), the decider decides it from the clock and appends with the stream's expected
 * revision, so after a crash or a restart nothing is missed (it looks again at start) and nothing
 * is recorded twice (a second decision on the recorded stream finds nothing due; a concurrent one
 * fails its expected revision). It wakes at the earliest due time it knows, and at least every
 * GDAP_SCHEDULER_MAX_SLEEP_MS for a pass over every partner, to find partners it has not heard of
 * (other processes, a moved clock). An asynchronous step carries the correlation id of the request
 * that asked for it (requests-finished.ts), so that request's audit lists it; time's own
 * transitions carry the scheduler's.
 */
@Injectable()
export class GdapScheduler {
  private readonly logger = new Logger('GdapScheduler');
  private readonly dueAt = new Map<string, number>();
  /**
   * Per partner, its next due time and the stream revision it was found at. What is due depends on
   * the stream alone (the clock only says whether it has come), so a pass looks through a
   * partner's relationships again only when its stream has moved, not at every pass.
   */
  private readonly found = new Map<string, { revision: number | 'no_stream'; next: Date | null }>();
  /** Partners whose streams this process's commands changed since the last pass. */
  private readonly changed = new Set<string>();
  /** When the last pass over every partner began (this process's monotonic clock, in ms). */
  private lastFullPass = -Infinity;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly relationships: GdapRelationshipsQueries,
    private readonly readSide: ReadSide,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** A command changed `partnerTenantId`'s stream: look at it now. */
  consider(partnerTenantId: string): void {
    this.changed.add(partnerTenantId);
    this.wake();
  }

  /** Runs a pass now (or after the running one), then sleeps until the next due time. */
  wake(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.running = (this.running ?? Promise.resolve()).then(() => this.pass());
  }

  /**
   * Records everything due by now for every partner with scheduled work; resolves when done. One
   * partner's failure (its stream unreadable, the store refusing) holds back no other partner: the
   * failures are reported together once every partner has had its turn, and it is tried again
   * after GDAP_SCHEDULER_MAX_SLEEP_MS.
   */
  async runDue(): Promise<void> {
    this.lastFullPass = performance.now();
    const changed = this.takeChanged();
    await this.recordDueOf([...new Set([...(await this.partners()), ...changed])]);
  }

  private async recordDueOf(partners: readonly string[]): Promise<void> {
    const failed: unknown[] = [];
    for (const partner of partners) {
      await this.recordDue(partner).catch((error: unknown) => {
        failed.push(error);
        // Tried again after a rest, not at once: a due time in the past would wake it in a loop.
        const retryAt = this.clock.now().getTime() + this.settings.GDAP_SCHEDULER_MAX_SLEEP_MS;
        this.dueAt.set(partner, retryAt);
      });
    }
    if (failed.length > 0) {
      throw new AggregateError(
        failed,
        `${failed.length} partner(s) failed: ${failed.map(String).join('; ')}`,
      );
    }
  }

  /**
   * Every partner (the read model's, and those this process knows) at least every
   * GDAP_SCHEDULER_MAX_SLEEP_MS, to find what other processes recorded; in between, only the
   * partners this process's commands changed and those whose due time has come, so a command
   * does not cost a look at every partner.
   */
  private async pass(): Promise<void> {
    if (this.stopped) return;
    try {
      if (performance.now() - this.lastFullPass >= this.settings.GDAP_SCHEDULER_MAX_SLEEP_MS) {
        await this.runDue();
      } else {
        await this.recordDueOf(this.dueNow());
      }
    } catch (error) {
      this.logger.warn(`A GDAP scheduler pass failed; it runs again shortly: ${String(error)}`);
    }
    this.sleep();
  }

  /** The partners changed since the last pass, and those whose next due time has come. */
  private dueNow(): string[] {
    const now = this.clock.now().getTime();
    const partners = new Set(this.takeChanged());
    for (const [partner, at] of this.dueAt) if (at <= now) partners.add(partner);
    return [...partners];
  }

  /** Taken at once, so a change noted while a pass runs waits for the next pass. */
  private takeChanged(): string[] {
    const changed = [...this.changed];
    this.changed.clear();
    return changed;
  }

  private async partners(): Promise<string[]> {
    let known: string[] = [];
    try {
      await this.readSide.ready('gdap-relationships');
      known = this.relationships.partnersWithScheduledWork();
    } catch {
      // Rebuilding: the partners already known are looked at; the rest at the next pass.
    }
    return [...new Set([...known, ...this.dueAt.keys()])];
  }

  private async recordDue(partnerTenantId: string): Promise<void> {
    const streamId = gdapStreamId(partnerTenantId);
    const { state, revision } = await this.aggregates.load(streamId, gdapDecider);
    const seen = this.found.get(partnerTenantId);
    let next = seen?.revision === revision ? seen.next : nextDueAt(state);
    this.found.set(partnerTenantId, { revision, next });
    if (next && next <= this.clock.now()) {
      const decided = await this.aggregates.decide(
        streamId,
        gdapDecider,
        { type: 'RecordDueTransitions' },
        { actor: SCHEDULER_ACTOR, correlationId: `gdap-scheduler-${randomUUID()}` },
        {
          takeTurns: true,
          // A step someone asked for (a termination, an assignment) belongs to their request.
          finishes: (at, steps) => requestsFinishedBy(this.store, streamId, at, steps),
        },
      );
      next = nextDueAt(decided.state);
      this.found.delete(partnerTenantId);
    }
    if (next) this.dueAt.set(partnerTenantId, next.getTime());
    else this.dueAt.delete(partnerTenantId);
  }

  private sleep(): void {
    if (this.stopped) return;
    const now = this.clock.now().getTime();
    const earliest = Math.min(
      ...this.dueAt.values(),
      now + this.settings.GDAP_SCHEDULER_MAX_SLEEP_MS,
    );
    // Never past the next pass over every partner; setTimeout holds at most ~24.8 days.
    const untilFullPass =
      this.lastFullPass + this.settings.GDAP_SCHEDULER_MAX_SLEEP_MS - performance.now();
    const delay = Math.max(Math.min(earliest - now, untilFullPass), 0);
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }
}

/** Starts the scheduler once the server is ready and stops it before the stores close. */
@Injectable()
export class GdapSchedulerLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private stopped = false;

  constructor(
    private readonly scheduler: GdapScheduler,
    private readonly readiness: Readiness,
  ) {}

  onApplicationBootstrap(): void {
    void this.startWhenReady();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.scheduler.stop();
  }

  private async startWhenReady(): Promise<void> {
    while (!this.stopped && !(await this.readiness.whenReady(60_000)));
    if (!this.stopped) this.scheduler.start();
  }
}
