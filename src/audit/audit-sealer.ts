import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type Provider,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CLOCK, type Clock } from '../platform/config/clock';
import { SETTINGS, type Settings } from '../platform/config/settings';
import { Readiness } from '../platform/health/readiness';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from '../platform/event-store/event-store';
import {
  checkSeal,
  emptiedBefore,
  GENESIS,
  linkOf,
  newSeal,
  RangeHasher,
  readSeal,
  SEAL_STREAM,
  SEALER_ACTOR,
  sealKeyId,
  type SealLink,
} from './seal';
import { sealKey } from './seal-key';
import { backoffMs } from '../platform/common/backoff';

export interface SealerLogger {
  debug(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface AuditSealerOptions {
  key: string;
  /** A seal is due once this many events (seals aside) are unsealed... */
  everyEvents: number;
  /** ...or this long after the oldest of them was recorded, whichever comes first. */
  intervalMs: number;
  /** The business time seals carry as occurredAt, like every other event. */
  clock: Clock;
  logger: SealerLogger;
  /** Wall-clock milliseconds for the interval (tests move it); Date.now by default. */
  now?: () => number;
}

/** What one pass did. */
export interface SealPass {
  sealed: number;
  /** Times another sealer moved the chain first, so this one re-read it and went on from there. */
  conflicts: number;
  /** Events (seals aside) past the last seal, left for a later pass. */
  unsealed: number;
}

/** The chain cannot be extended safely (forged, foreign or vanished seals): an operator must look. */
export class SealChainError extends Error {}

const PAGE = 1000;
/** After an append, look for due seals this soon (or sooner, with a shorter interval). */
const SCAN_DELAY_MS = 1000;
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 60_000;
const MAX_CONFLICTS_PER_PASS = 20;

/** The events read past the head seal that no seal covers yet. */
class Unsealed {
  readonly hasher = new RangeHasher();
  scannedThrough: number;
  /** Events other than seals: only these make a seal due. */
  events = 0;
  dueAt = Infinity;

  constructor(
    readonly head: SealLink,
    private readonly intervalMs: number,
  ) {
    this.scannedThrough = head.through;
  }

  add(event: RecordedEvent, now: number): void {
    this.hasher.add(event);
    this.scannedThrough = event.position;
    if (event.streamId === SEAL_STREAM) return;
    this.events += 1;
    // Its own clock or the store's, whichever is earlier: a store clock running ahead delays nothing.
    this.dueAt = Math.min(this.dueAt, Math.min(event.created.getTime(), now) + this.intervalMs);
  }
}

/**
 * Appends seals (see seal.ts) to the event store as events arrive: each covers every event after
 * the previous seal up to a position, seals included. Its checkpoint is the last seal itself, and
 * it appends at that seal's revision, so two sealers (two processes on one file, or several
 * instances on EventStoreDB) never fork the chain: the loser re-reads and goes on from the
 * winner's seal. It extends only a chain whose latest seal it can verify. Failures never escape:
 * they are logged and retried with backoff.
 */
export class AuditSealer {
  private unsealed?: Unsealed;
  /** The highest seal this sealer has seen: a chain that shrinks below it lost seals. */
  private highestSequence = -1;
  private queue: Promise<unknown> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private timerAt = Infinity;
  private notBefore = 0;
  private failures = 0;
  private following = false;
  private stopping = false;
  private unsubscribe?: () => void;
  private readonly now: () => number;

  constructor(
    private readonly store: EventStore,
    private readonly options: AuditSealerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Seals what is due, then follows appends until stop(). */
  start(): void {
    this.following = true;
    this.stopping = false;
    this.unsubscribe = this.store.onAppended(() =>
      this.schedule(Math.min(SCAN_DELAY_MS, this.options.intervalMs)),
    );
    this.schedule(0);
  }

  /** Stops following and waits for a pass under way to end (it stops at its next read). */
  async stop(): Promise<void> {
    this.following = false;
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    await this.queue;
  }

  /** One pass: reads what is new since the latest seal and appends every seal that is due. */
  sealDue(): Promise<SealPass> {
    const pass = this.queue.then(() => this.pass());
    this.queue = pass.catch(() => undefined);
    return pass;
  }

  private async pass(): Promise<SealPass> {
    const result: SealPass = { sealed: 0, conflicts: 0, unsealed: 0 };
    for (;;) {
      try {
        await this.sealFrom(await this.head(), result);
        result.unsealed = this.unsealed?.events ?? 0;
        return result;
      } catch (error) {
        const lost = error instanceof WrongExpectedRevisionError;
        if (!lost || result.conflicts >= MAX_CONFLICTS_PER_PASS) throw error;
        result.conflicts += 1;
        this.unsealed = undefined;
      }
    }
  }

  /** The latest seal, checked with this sealer's key. */
  private async head(): Promise<SealLink> {
    const [latest] = await this.store.readStream(SEAL_STREAM, {
      direction: 'backwards',
      maxCount: 1,
    });
    const at = latest && `the latest seal (#${latest.revision}, position ${latest.position})`;
    if ((latest?.revision ?? -1) < this.highestSequence) {
      throw new SealChainError(
        `the seal chain ends ${latest ? `at ${at}` : 'before its first seal'} but this sealer saw seal #${this.highestSequence}: seals were removed. Run \`audit verify\`.`,
      );
    }
    if (!latest) return GENESIS;
    const read = readSeal(latest);
    if ('malformed' in read) {
      throw new SealChainError(`${at} is malformed (${read.malformed}). Run \`audit verify\`.`);
    }
    const check = checkSeal(this.options.key, latest, read.seal);
    if (check === 'other-key') {
      throw new SealChainError(
        `${at} was made with another key (key id ${read.seal.keyId}; this sealer's is ${sealKeyId(this.options.key)}): set AUDIT_SEAL_KEY to the key the chain was made with.`,
      );
    }
    if (check === 'forged') {
      throw new SealChainError(
        `${at} does not verify with this key: it was forged or damaged. Run \`audit verify\`.`,
      );
    }
    this.highestSequence = latest.revision;
    return linkOf(read.seal);
  }

  private async sealFrom(head: SealLink, result: SealPass): Promise<void> {
    if (this.unsealed?.head.sealHash !== head.sealHash) this.unsealed = this.unsealedAfter(head);
    let unsealed = this.unsealed;
    for (;;) {
      if (this.stopping) return;
      const page = await this.store.readAll({ after: unsealed.scannedThrough, maxCount: PAGE });
      for (const event of page) {
        this.assertNoneRemovedBefore(event, unsealed.scannedThrough);
        unsealed.add(event, this.now());
        if (unsealed.events >= this.options.everyEvents) {
          unsealed = this.unsealed = this.unsealedAfter(await this.seal(unsealed));
          result.sealed += 1;
        }
      }
      if (page.length < PAGE) break;
    }
    if (unsealed.events > 0 && this.now() >= unsealed.dueAt) {
      this.unsealed = this.unsealedAfter(await this.seal(unsealed));
      result.sealed += 1;
    }
  }

  /**
   * Where positions are dense (the embedded store), one skipped is an event removed: sealing over
   * it would make the cut part of the record (with every seal removed, the whole history rewritten
   * would verify), so the sealer stops there, as at a forged seal.
   */
  private assertNoneRemovedBefore(event: RecordedEvent, scannedThrough: number): void {
    const emptied = emptiedBefore(this.store, event.position, scannedThrough);
    if (!emptied) return;
    throw new SealChainError(
      `positions ${emptied.from} to ${emptied.to} hold no event, where the event store never skips one: events were removed there, and the sealer will not seal over them. Run \`audit verify\`.`,
    );
  }

  private unsealedAfter(head: SealLink): Unsealed {
    return new Unsealed(head, this.options.intervalMs);
  }

  private async seal(unsealed: Unsealed): Promise<SealLink> {
    const { head } = unsealed;
    const correlationId = randomUUID();
    const event = newSeal(
      this.options.key,
      head,
      { ...unsealed.hasher.digest(), through: unsealed.scannedThrough },
      {
        id: randomUUID(),
        metadata: {
          correlationId,
          causationId: correlationId,
          actor: SEALER_ACTOR,
          occurredAt: this.options.clock.now().toISOString(),
          schemaVersion: 1,
        },
      },
    );
    await this.store.append(SEAL_STREAM, [event], head.sequence < 0 ? 'no_stream' : head.sequence);
    const seal = event.data;
    this.highestSequence = seal.sequence;
    this.options.logger.debug(
      `seal #${seal.sequence}: ${seal.count} events in positions (${seal.from}, ${seal.through}]`,
    );
    return linkOf(seal);
  }

  private schedule(delayMs: number): void {
    if (!this.following) return;
    const at = Math.max(Date.now() + delayMs, this.notBefore);
    if (this.timer && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    // A millisecond may have passed since `at` was worked out: never a negative delay (a warning).
    const delay = Math.max(0, at - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      void this.tick();
    }, delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      await this.sealDue();
      this.failures = 0;
      this.notBefore = 0;
      if (this.unsealed?.events) this.schedule(Math.max(0, this.unsealed.dueAt - this.now()));
    } catch (error) {
      this.failures += 1;
      const delay = backoffMs(this.failures, RETRY_FIRST_MS, RETRY_MAX_MS);
      const message = `sealing failed, retrying in ${delay / 1000} s: ${error instanceof Error ? error.message : String(error)}`;
      if (error instanceof SealChainError) this.options.logger.error(message);
      else this.options.logger.warn(message);
      this.unsealed = undefined;
      this.notBefore = Date.now() + delay;
      this.schedule(delay);
    }
  }
}

/** The server's sealer, from the settings; AuditSealerLifecycle starts and stops it. */
export const auditSealerProvider = (): Provider => ({
  provide: AuditSealer,
  useFactory: (store: EventStore, clock: Clock, settings: Settings) => {
    const logger = new Logger('AuditSealer');
    return new AuditSealer(store, {
      key: sealKey(settings),
      everyEvents: settings.AUDIT_SEAL_EVERY_EVENTS,
      intervalMs: settings.AUDIT_SEAL_INTERVAL_MS,
      clock,
      logger: {
        debug: (message) => logger.debug(message),
        warn: (message) => logger.warn(message),
        error: (message) => logger.error(message),
      },
    });
  },
  inject: [EVENT_STORE, CLOCK, SETTINGS],
});

/**
 * Starts the sealer once the server is ready (read models caught up, interrupted follow-ups done),
 * and stops it before the stores close.
 */
@Injectable()
export class AuditSealerLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private stopped = false;

  constructor(
    private readonly sealer: AuditSealer,
    private readonly readiness: Readiness,
  ) {}

  onApplicationBootstrap(): void {
    void this.startWhenReady();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.sealer.stop();
  }

  private async startWhenReady(): Promise<void> {
    while (!this.stopped && !(await this.readiness.whenReady(60_000)));
    if (!this.stopped) this.sealer.start();
  }
}
