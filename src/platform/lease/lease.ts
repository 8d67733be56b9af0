import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LeaseStore } from './lease-store';
import { hasExited, type ProcessIdentity, thisProcess } from '../common/process-identity';

export interface LeaseHooks {
  /** What the holder records with each renewal: how far its work got. */
  checkpoint(): number;
  /** This instance now holds the lease; the last holder recorded `checkpoint`. */
  onAcquired(checkpoint: number): void;
}

export interface LeaseStatus {
  held: boolean;
  /** Who holds it as far as this instance last saw (null: nobody). */
  holder: string | null;
  /** This instance's id. */
  self: string;
  /** The checkpoint the holder last recorded, as this instance last read it (0: none read). */
  checkpoint: number;
}

export interface LeaseOptions {
  ttlMs: number;
  /** This instance's id; `host:pid:random` by default. */
  holder?: string;
  /** A monotonic clock in ms (performance.now by default): the lease never compares wall clocks. */
  now?: () => number;
  /** This instance's process (thisProcess() by default): see Lease. */
  process?: ProcessIdentity;
  warn?: (message: string) => void;
  log?: (message: string) => void;
}

/**
 * One holder at a time among every instance on a store, handed over when the holder dies.
 *
 * The holder renews every third of the TTL by writing at the version it last wrote; it acts only
 * until its last successful write started plus the TTL, on its own clock. Another instance takes
 * the lease only after it has seen the same version unchanged for a whole TTL on its own clock (or
 * at once when it was released or never taken), writing at that version: of several contenders one
 * write wins. No wall clocks are compared, so clock skew between machines cannot make two holders;
 * a paused holder (long GC, frozen VM) stops acting when its TTL runs out, before anyone else starts.
 * One exception: a holder whose process has exited, as this instance can tell when both run on one
 * machine, in one PID namespace (a restart after a crash), is taken over at once.
 */
export class Lease {
  readonly self: string;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly process: ProcessIdentity | undefined;
  private version = -1;
  /** While held: this instance may act until then. */
  private validUntil = -Infinity;
  private holding = false;
  /** While not held: the version last seen, and since when. */
  private seen?: { version: number; since: number; holder: string | null };
  private lastSeenCheckpoint = 0;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private hooks?: LeaseHooks;
  private stopped = false;

  constructor(
    private readonly store: LeaseStore,
    private readonly name: string,
    private readonly options: LeaseOptions,
  ) {
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? (() => performance.now());
    this.process = options.process ?? thisProcess();
    this.self = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** True while this instance holds the lease and its TTL has not run out since the last renewal. */
  get held(): boolean {
    return this.holding && this.now() < this.validUntil;
  }

  status(): LeaseStatus {
    return {
      held: this.held,
      holder: this.held ? this.self : (this.seen?.holder ?? null),
      self: this.self,
      checkpoint: this.lastSeenCheckpoint,
    };
  }

  /** Tries once now (a store failure throws), then every third of the TTL until `stop`. */
  async start(hooks: LeaseHooks): Promise<void> {
    this.hooks = hooks;
    this.stopped = false;
    await this.tick();
    this.schedule();
  }

  /**
   * Stops trying; a holder releases the lease, so another instance takes it at once. Waits at most
   * a third of the TTL for the store (one that is down would otherwise hold up the shutdown while
   * its client retries): an unreleased lease is taken over once its TTL has passed.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const bounded = (work: Promise<unknown>) =>
      Promise.race([work, sleep(this.ttlMs / 3, undefined, { ref: false })]);
    await bounded(this.ticking ?? Promise.resolve());
    if (!this.held) return;
    this.holding = false;
    await bounded(
      this.store
        .write(this.name, this.record(null), this.version)
        .catch((error: Error) =>
          this.options.warn?.(`could not release the lease: ${error.message}`),
        ),
    );
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .catch((error: Error) => this.options.warn?.(`lease ${this.name}: ${error.message}`))
        .finally(() => {
          this.ticking = undefined;
          this.schedule();
        });
    }, this.ttlMs / 3).unref();
  }

  private async tick(): Promise<void> {
    const started = this.now();
    if (this.holding) {
      try {
        await this.writeAt(this.version, started);
      } finally {
        if (this.holding && this.now() >= this.validUntil) this.lose('its TTL ran out');
      }
      return;
    }
    const current = await this.store.read(this.name);
    this.lastSeenCheckpoint = current?.record.checkpoint ?? 0;
    if (!current || current.record.holder === null) {
      return this.take(current?.version ?? -1, current?.record.checkpoint ?? 0, started);
    }
    if (hasExited(current.record.process, this.process)) {
      this.options.log?.(`lease ${this.name}: its holder ${current.record.holder} has exited`);
      return this.take(current.version, current.record.checkpoint, started);
    }
    if (this.seen?.version !== current.version) {
      this.seen = { version: current.version, since: started, holder: current.record.holder };
      return;
    }
    if (started - this.seen.since >= Math.max(this.ttlMs, current.record.ttlMs)) {
      return this.take(current.version, current.record.checkpoint, started);
    }
  }

  private async take(version: number, checkpoint: number, started: number): Promise<void> {
    if (!(await this.writeAt(version, started))) return;
    this.options.log?.(`lease ${this.name} taken by ${this.self} (from checkpoint ${checkpoint})`);
    this.hooks?.onAcquired(checkpoint);
  }

  /** Writes at `version`; true when it won. Someone else writing first means the lease is theirs. */
  private async writeAt(version: number, started: number): Promise<boolean> {
    const written = await this.store.write(this.name, this.record(this.self), version);
    if (written === null) {
      if (this.holding) this.lose('another instance wrote it');
      this.seen = undefined;
      return false;
    }
    this.version = written;
    this.holding = true;
    this.validUntil = started + this.ttlMs;
    return true;
  }

  private lose(why: string): void {
    this.holding = false;
    this.validUntil = -Infinity;
    this.options.warn?.(`lease ${this.name} lost by ${this.self}: ${why}`);
  }

  private record(holder: string | null) {
    return {
      holder,
      ttlMs: this.ttlMs,
      expiresAt: new Date(Date.now() + this.ttlMs).toISOString(),
      checkpoint: this.hooks?.checkpoint() ?? 0,
      ...(holder !== null && this.process ? { process: this.process } : {}),
    };
  }
}
