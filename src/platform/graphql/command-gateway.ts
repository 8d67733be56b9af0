import { Inject, Injectable } from '@nestjs/common';
import { Command, CommandBus } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../config/settings';
import { noteRecordedPosition } from '../consistency/consistency-token';
import type { CommandOutcome } from '../write/command-context';
import { CommandObserver } from '../observability/command-observer';
import { PROJECTOR, type Projector } from '../projection-engine/projector';

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

/** Runs a command and answers once its events are visible to every query (read-your-writes). */
@Injectable()
export class CommandGateway {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(PROJECTOR) private readonly engine: Projector,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly observer: CommandObserver,
  ) {}

  /**
   * A refusal leaves `execute` as the command threw it (nothing was recorded); once the command is
   * recorded, any failure to wait for or read its answer is a RecordedButNotVisibleError.
   */
  async execute<Outcome extends CommandOutcome, Answer>(
    command: Command<Outcome>,
    answer: (outcome: Outcome) => Answer | Promise<Answer>,
  ): Promise<Answer> {
    const outcome = await this.observer.observe(command, () => this.commandBus.execute(command));
    noteRecordedPosition(outcome.position);
    try {
      await this.engine.waitFor(outcome.position, this.settings.READ_YOUR_WRITES_TIMEOUT_MS);
      return await answer(outcome);
    } catch (error) {
      throw new RecordedButNotVisibleError(outcome.position, error);
    }
  }
}
