import {
  BACKWARDS,
  END,
  START,
  excludeSystemEvents,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
  type ReadPosition,
} from '@eventstore/db-client';
import { isSystemEvent } from './esdb-mapping';
import { backoffDelay, describe, type EsdbLogger, type RetryPolicy } from './esdb-retry';

/**
 * One live subscription to `$all` (system events filtered out by the server) that calls `onEvent`
 * for every event. It starts at the position of the newest record when it is first started, so
 * nothing appended between start() and the server's confirmation is missed. When it drops (server
 * down, leader lost) it subscribes again from the last event or checkpoint it saw, after a pause
 * that doubles up to the policy's cap, for as long as it is wanted.
 */
export class LiveAllSubscription {
  private subscription: AllStreamSubscription | undefined;
  private resumeFrom: ReadPosition | undefined;
  private running = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Why the subscription is down, while it is; for health(). */
  problem: string | undefined;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly onEvent: () => void,
    private readonly retry: RetryPolicy,
    private readonly logger: EsdbLogger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    const subscription = this.subscription;
    this.subscription = undefined;
    this.resumeFrom = undefined;
    this.problem = undefined;
    this.attempt = 0;
    await subscription?.unsubscribe();
  }

  private async connect(): Promise<void> {
    try {
      const from = this.resumeFrom ?? (await this.newestRecord());
      if (!this.running || this.subscription) return;
      this.resumeFrom = from;
      const subscription = this.client.subscribeToAll({
        fromPosition: from,
        requiresLeader: true,
        filter: excludeSystemEvents({
          checkpointReached: (_subscription, position) => {
            if (subscription === this.subscription) this.resumeFrom = position;
          },
        }),
      });
      this.subscription = subscription;
      subscription
        .on('confirmation', () => this.confirmed())
        .on('data', (resolved: AllStreamResolvedEvent) => {
          if (subscription !== this.subscription || !resolved.event) return;
          this.resumeFrom = resolved.event.position;
          if (!isSystemEvent(resolved.event)) this.onEvent();
        })
        .on('error', (error) => this.dropped(subscription, error))
        .on('end', () => this.dropped(subscription, new Error('the server ended it')));
    } catch (error) {
      this.dropped(undefined, error);
    }
  }

  private confirmed(): void {
    if (this.attempt > 0) this.logger.log('Live subscription to $all is back.');
    this.attempt = 0;
    this.problem = undefined;
  }

  private dropped(subscription: AllStreamSubscription | undefined, error: unknown): void {
    if (subscription !== this.subscription || !this.running) return;
    this.subscription = undefined;
    this.attempt += 1;
    const delay = backoffDelay(this.attempt, this.retry);
    this.problem = `live subscription to $all dropped (${describe(error)}); retry ${this.attempt} in ${delay} ms`;
    this.logger.warn(`EventStoreDB: ${this.problem}`);
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref();
  }

  /** The position of the last record in `$all`, system ones included; the start when empty. */
  private async newestRecord(): Promise<ReadPosition> {
    const read = this.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 1,
      requiresLeader: true,
    });
    // Read to the end rather than returning early: a read stream left half-consumed never
    // finishes, and the client's dispose() waits for every stream to finish.
    let newest: ReadPosition = START;
    for await (const resolved of read as AsyncIterable<AllStreamResolvedEvent>) {
      if (resolved.event) newest = resolved.event.position;
    }
    return newest;
  }
}
