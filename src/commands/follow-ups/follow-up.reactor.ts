import { Inject, Injectable, Logger } from '@nestjs/common';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS, type Settings } from '../../config/settings';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store';
import { FollowUps } from './follow-ups';

const PAGE = 500;
/**
 * The checkpoint file is rewritten at most this often: after a crash the reactor re-runs at most
 * this much more (idempotent reads), instead of writing a file after every command.
 */
const CHECKPOINT_EVERY_MS = 1000;

/**
 * Re-runs every event's follow-up from a checkpoint kept in DATA_DIR, at start and after each
 * append, so a crash (or a give-up after conflicts) between a command's first append and its
 * follow-ups never leaves, say, an accepted invitation without its relationship.
 */
@Injectable()
export class FollowUpReactor {
  private readonly logger = new Logger('FollowUps');
  private readonly checkpointFile: string;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private unsubscribe?: () => void;
  private checkpoint?: number;
  private written?: number;
  private writeTimer?: NodeJS.Timeout;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly followUps: FollowUps,
    @Inject(SETTINGS) settings: Settings,
  ) {
    this.checkpointFile = join(settings.DATA_DIR, 'follow-ups.checkpoint');
  }

  /** Catches up with every event so far, then follows new ones. */
  async start(): Promise<void> {
    this.stopped = false;
    this.unsubscribe?.();
    this.unsubscribe = this.store.onAppended(() => void this.kick());
    await this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await this.running;
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    this.writeCheckpoint();
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

  private async run(): Promise<void> {
    do {
      this.again = false;
      let after = this.readCheckpoint();
      for (;;) {
        if (this.stopped) return;
        const page = await this.store.readAll({ after, maxCount: PAGE });
        if (page.length === 0) break;
        for (const event of page) {
          if (await this.followUps.ranInline(event.id)) continue;
          try {
            await this.followUps.react(event);
          } catch (error) {
            // A refused follow-up is a decision (e.g. nothing left to do), never a reason to stop.
            this.logger.warn(
              `follow-up of ${event.type} at ${event.position} refused: ${(error as Error).message}`,
            );
          }
        }
        after = page[page.length - 1].position;
        this.followUps.forgetInlineUpTo(after);
        this.advanceCheckpoint(after);
      }
    } while (this.again && !this.stopped);
  }

  private readCheckpoint(): number {
    this.checkpoint ??= existsSync(this.checkpointFile)
      ? Number(readFileSync(this.checkpointFile, 'utf8')) || 0
      : 0;
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

  private writeCheckpoint(): void {
    if (this.checkpoint === undefined || this.checkpoint === this.written) return;
    mkdirSync(join(this.checkpointFile, '..'), { recursive: true });
    writeFileSync(`${this.checkpointFile}.tmp`, String(this.checkpoint));
    renameSync(`${this.checkpointFile}.tmp`, this.checkpointFile);
    this.written = this.checkpoint;
  }
}
