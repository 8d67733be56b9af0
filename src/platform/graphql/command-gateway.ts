import { Inject, Injectable } from '@nestjs/common';
import { Command, CommandBus } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../config/settings';
import { DomainError } from '../domain/domain-error';
import {
  noteRecordedPosition,
  readPreviousVersions,
  readsSoFar,
} from '../consistency/consistency-token';
import { StoreUnavailableError } from '../faults/store-unavailable';
import type { CommandOutcome } from '../write/command-context';
import { CommandObserver } from '../observability/command-observer';
import { PROJECTOR, type Projector } from '../projection-engine/projector';
import { CallerWrites } from '../consistency/caller-writes';

/**
 * The command was recorded, but its answer could not be read: the read models did not show it in
 * time, or the one the answer reads is not serving. Never a refusal: repeating the request would
 * record the change twice.
 */
export class RecordedButNotVisibleError extends Error {
  constructor(
    readonly position: number,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Your change was recorded (position ${position}), but its answer cannot be shown yet: ${reason} Do not repeat it; read it again in a moment.`,
    );
    this.name = 'RecordedButNotVisibleError';
  }
}

/**
 * The command was recorded, but what its answer reads is gone: a later change, recorded before
 * the answer was read (which waits for the command's own position), removed it. Not NOT_READY:
 * reading again would never show it.
 */
export class RecordedButGoneError extends Error {
  constructor(
    readonly position: number,
    cause: DomainError,
  ) {
    super(
      `Your change was recorded (position ${position}), but a later change removed what it changed before its answer was read: ${cause.message} Do not repeat it; read its current state instead.`,
    );
    this.name = 'RecordedButGoneError';
  }
}

/** The extensions of every answer to a recorded change that cannot be shown yet. */
export const recordedNotReady = (position: number) =>
  ({ code: 'NOT_READY', recorded: true, position }) as const;

/**
 * Runs a command and answers it once the read models its answer reads show its events: the
 * answer's own `ReadSide.ready(...)` calls name them and wait (read-your-writes), so a slow read
 * model the answer does not read never holds it up. An answer that reads none waits for them all.
 * The caller's later reads wait the same way (CallerWrites), each for the read models it reads.
 */
@Injectable()
export class CommandGateway {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(PROJECTOR) private readonly engine: Projector,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly observer: CommandObserver,
    private readonly callerWrites: CallerWrites,
  ) {}

  /** The newest position a command of this server recorded. */
  private head = 0;

  /**
   * Backpressure: while the read models are more than PROJECTION_MAX_LAG positions behind what
   * this server recorded, a command waits (up to READ_YOUR_WRITES_TIMEOUT_MS) for them to catch
   * up, and is refused UNAVAILABLE (PROJECTION_LAG), recording nothing, if they do not.
   */
  private async admit(): Promise<void> {
    const max = this.settings.PROJECTION_MAX_LAG;
    if (max === 0 || this.head - this.engine.visiblePosition() <= max) return;
    try {
      await this.engine.waitFor(this.head - max, this.settings.READ_YOUR_WRITES_TIMEOUT_MS);
    } catch {
      throw new StoreUnavailableError(
        'PROJECTION_LAG',
        `${this.head - this.engine.visiblePosition()} positions behind, more than PROJECTION_MAX_LAG (${max})`,
      );
    }
  }

  /**
   * A refusal leaves `execute` as the command threw it (nothing was recorded); once the command is
   * recorded, any failure to wait for or read its answer is a RecordedButNotVisibleError.
   */
  async execute<Outcome extends CommandOutcome, Answer>(
    command: Command<Outcome>,
    answer: (outcome: Outcome) => Answer | Promise<Answer>,
  ): Promise<Answer> {
    await this.admit();
    const outcome = await this.observer.observe(command, () => this.commandBus.execute(command));
    const caller = noteRecordedPosition(outcome.position);
    if (caller) this.callerWrites.note(caller, outcome.position, this.engine.visiblePosition());
    this.head = Math.max(this.head, outcome.position);
    try {
      const readsBefore = readsSoFar();
      const answered = await answer(outcome);
      // An answer that read no read model (`true`) waits for them all, as every mutation used to,
      // so that any caller's next query shows its effect.
      if (readsBefore === undefined || readsSoFar() === readsBefore) {
        await this.engine.waitFor(outcome.position, this.settings.READ_YOUR_WRITES_TIMEOUT_MS);
      }
      return answered;
    } catch (error) {
      // Read where the command's own events show (a previous version may not): gone since.
      if (error instanceof DomainError && error.code === 'NOT_FOUND' && !readPreviousVersions()) {
        throw new RecordedButGoneError(outcome.position, error);
      }
      throw new RecordedButNotVisibleError(outcome.position, error);
    }
  }
}
