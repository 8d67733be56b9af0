import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DomainError } from '../domain/domain-error';
import { StreamContended } from '../write/aggregate-store';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../event-store/event-store';
import { domainEventOf } from '../event-store/unreadable-events';
import { READ_STORE, type ReadStore } from '../read-store/read-store';
import { POLICY_LEASE, SOLE_INSTANCE, type PolicyLease } from './policy-lease';
import { Policies } from './policies';
import type { PolicyContext } from './policy';
import { backoffMs } from '../common/backoff';

const PAGE = 500;
/**
 * The checkpoint is written at most this often: after a crash the reactor re-runs at most this
 * much more (idempotent), instead of writing after every command.
 */
const CHECKPOINT_EVERY_MS = 1000;
const CHECKPOINT = 'policies';
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;

export interface FollowUpStatus {
  /** Position of the last event whose follow-up is done (or was refused by a rule). */
  checkpoint: number;
  /** Follow-ups a business rule refused since the server started. */
  refused: number;
  lastRefusal: { position: number; type: string; reason: string } | null;
  /** A follow-up failing for an infrastructure reason, retried until it succeeds. */
  retrying: { position: number; type: string; reason: string; attempt: number } | null;
}

/**
 * The one reactor running every room's policies (`@AsPolicy()` providers): at once for what a
 * command just recorded (`runNow`), and from a checkpoint for everything recorded, at start and
 * after each append, so a crash between a command's first append and its follow-ups never leaves,
 * say, an accepted invitation without its relationship. The checkpoint lives in the read store
 * beside the projections' and only passes work done or refused by a rule; an infrastructure
 * failure is retried with backoff. Among several instances on one store, only the holder of the
 * policies' lease (policy-lease.ts) runs the reactor; a new holder resumes from the checkpoint the
 * last one recorded with the lease.
 */
@Injectable()
export class PolicyReactor {
  private readonly logger = new Logger('Policies');
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private unsubscribe?: () => void;
  private checkpoint?: number;
  private written?: number;
  private writeTimer?: NodeJS.Timeout;
  private readonly progress: Omit<FollowUpStatus, 'checkpoint'> = {
    refused: 0,
    lastRefusal: null,
    retrying: null,
  };

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly policies: Policies,
    @Optional() @Inject(POLICY_LEASE) private readonly lease: PolicyLease = SOLE_INSTANCE,
  ) {
    this.readStore.db.exec(
      'CREATE TABLE IF NOT EXISTS policy_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)',
    );
  }

  /** Catches up with every event so far, then follows new ones. */
  async start(): Promise<void> {
    this.stopped = false;
    this.unsubscribe?.();
    this.unsubscribe = this.store.onAppended(() => void this.kick());
    await this.lease.start({
      checkpoint: () => this.checkpoint ?? 0,
      onAcquired: (checkpoint) => {
        this.checkpoint = Math.max(this.readCheckpoint(), checkpoint);
        void this.kick();
      },
    });
    await this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await this.running;
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    this.writeCheckpoint();
    await this.lease.stop();
  }

  /** Resolves once every event so far has had its follow-up. */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * What the Operator sees of the follow-ups: how far they got, what was refused, what waits. On an
   * instance that does not hold the lease, how far the holder got, as its lease last said.
   */
  status(): FollowUpStatus {
    const lease = this.lease.status();
    const checkpoint = Math.max(this.checkpoint ?? 0, lease.held ? 0 : lease.checkpoint);
    return { ...this.progress, checkpoint };
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      let after = await this.retried('reading the checkpoint', () => this.readCheckpoint());
      if (after === undefined) return;
      for (;;) {
        if (this.stopped || !this.lease.held) return;
        const from: number = after;
        const page = await this.retried('reading events', () =>
          this.store.readAll({ after: from, maxCount: PAGE }),
        );
        if (!page || page.length === 0) break;
        for (const event of page) {
          if (!this.lease.held || !(await this.followUp(event))) return;
          after = event.position;
          this.advanceCheckpoint(after);
        }
        this.policies.forgetInlineUpTo(after);
      }
    } while (this.again && !this.stopped);
  }

  /**
   * Runs one event's follow-up until it is done or refused by a rule; an infrastructure failure
   * (store down, disk full, locked) or a stream others kept changing is retried with backoff and
   * never skipped. False when stopped.
   */
  private async followUp(event: RecordedEvent): Promise<boolean> {
    if (await this.policies.ranInline(event.id)) return true;
    const current = domainEventOf(event);
    if (!current || !this.policies.reactsTo(current.type)) return true;
    const context: PolicyContext = {
      actor: event.metadata.actor,
      correlationId: event.metadata.correlationId,
      causationId: event.id,
      triggeredAt: event.position,
      replayedAt: event.position,
      occurredAt: new Date(event.metadata.occurredAt),
    };
    for (let attempt = 1; !this.stopped && this.lease.held; attempt++) {
      try {
        await this.policies.react(current, context);
        this.progress.retrying = null;
        return true;
      } catch (error) {
        if (error instanceof DomainError && !(error instanceof StreamContended)) {
          this.refused(event, error);
          return true;
        }
        const delay = backoffMs(attempt, RETRY_FIRST_MS, RETRY_MAX_MS);
        const reason = error instanceof Error ? error.message : String(error);
        this.progress.retrying = { position: event.position, type: event.type, reason, attempt };
        this.logger.warn(
          `follow-up of ${event.type} at ${event.position} failed (attempt ${attempt}), retrying in ${delay} ms: ${reason}`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
    return false;
  }

  /**
   * Runs `work` until it succeeds: a store that cannot be read now (locked, damaged, down) is
   * retried with backoff, never thrown out of a timer. Undefined once stopped.
   */
  private async retried<T>(what: string, work: () => T | Promise<T>): Promise<T | undefined> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        const result = await work();
        if (attempt > 1) this.progress.retrying = null;
        return result;
      } catch (error) {
        const delay = backoffMs(attempt, RETRY_FIRST_MS, RETRY_MAX_MS);
        const reason = error instanceof Error ? error.message : String(error);
        this.progress.retrying = { position: this.checkpoint ?? 0, type: what, reason, attempt };
        this.logger.warn(`${what} failed (attempt ${attempt}), retrying in ${delay} ms: ${reason}`);
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
    return undefined;
  }

  /** A rule refused the follow-up: a decision, recorded as such, and the reactor moves on. */
  private refused(event: RecordedEvent, error: DomainError): void {
    this.progress.refused += 1;
    this.progress.lastRefusal = {
      position: event.position,
      type: event.type,
      reason: `${error.code}${error.rule ? ` (${error.rule})` : ''}: ${error.message}`,
    };
    this.logger.warn(
      `follow-up of ${event.type} at ${event.position} refused by a rule: ${this.progress.lastRefusal.reason}`,
    );
  }

  private readCheckpoint(): number {
    this.checkpoint ??=
      this.readStore.get<{ position: number }>(
        'SELECT position FROM policy_checkpoints WHERE name = ?',
        [CHECKPOINT],
      )?.position ?? 0;
    this.written ??= this.checkpoint;
    return this.checkpoint;
  }

  private advanceCheckpoint(position: number): void {
    this.checkpoint = position;
    this.writeTimer ??= setTimeout(() => {
      this.writeTimer = undefined;
      this.writeCheckpoint();
    }, CHECKPOINT_EVERY_MS).unref();
  }

  /** A failed write (disk full, locked) is retried later; the reactor re-runs at most a little more. */
  private writeCheckpoint(): void {
    if (this.checkpoint === undefined || this.checkpoint === this.written) return;
    try {
      this.readStore.write(
        `INSERT INTO policy_checkpoints (name, position) VALUES (?, ?)
         ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
        [CHECKPOINT, this.checkpoint],
      );
      this.written = this.checkpoint;
    } catch (error) {
      this.logger.warn(`could not write the policies' checkpoint: ${(error as Error).message}`);
      if (!this.stopped) this.advanceCheckpoint(this.checkpoint);
    }
  }
}
