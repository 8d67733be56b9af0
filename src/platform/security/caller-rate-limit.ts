import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ipKeyGenerator, MemoryStore, type Options } from 'express-rate-limit';
import { SETTINGS, type Settings } from '../config/settings';
import type { Actor } from '../domain/actor';

const WINDOW_MS = 60_000;

/**
 * One budget per caller and minute (RATE_LIMIT_PER_MINUTE; 0: off), shared by GraphQL requests
 * over HTTP, graphql-ws connection attempts and subscribe messages. The caller is the token's
 * tenant and user, or the address when there is no valid token. express-rate-limit's store keeps
 * the counts (one entry per caller, reset every window).
 */
@Injectable()
export class CallerRateLimit implements OnApplicationShutdown {
  private readonly store = new MemoryStore();
  readonly perMinute: number;

  constructor(@Inject(SETTINGS) settings: Pick<Settings, 'RATE_LIMIT_PER_MINUTE'>) {
    this.perMinute = settings.RATE_LIMIT_PER_MINUTE;
    this.store.init({ windowMs: WINDOW_MS } as Options);
  }

  static keyOf(actor: Actor | undefined, address: string | undefined): string {
    return actor ? `user:${actor.tenantId}/${actor.userId}` : `ip:${ipKeyGenerator(address ?? '')}`;
  }

  /** Counts one request of `key`: null while within the budget, else seconds until it renews. */
  async retryAfter(key: string): Promise<number | null> {
    if (this.perMinute <= 0) return null;
    const { totalHits, resetTime } = await this.store.increment(key);
    if (totalHits <= this.perMinute) return null;
    return Math.max(
      1,
      Math.ceil(((resetTime?.getTime() ?? Date.now() + WINDOW_MS) - Date.now()) / 1000),
    );
  }

  message(): string {
    return `Too many requests: at most ${this.perMinute} a minute per caller (RATE_LIMIT_PER_MINUTE).`;
  }

  onApplicationShutdown(): void {
    this.store.shutdown();
  }
}
