import { Inject, Injectable } from '@nestjs/common';
import { Command, CommandBus } from '@nestjs/cqrs';
import { SETTINGS, type Settings } from '../../config/settings';
import type { CommandOutcome } from '../../commands/command-context';
import { CommandObserver } from '../../observability/command-observer';
import { PROJECTOR, type Projector } from '../../projection-engine/projector';

/** Runs a command and returns once its events are visible to every query (read-your-writes). */
@Injectable()
export class CommandGateway {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(PROJECTOR) private readonly engine: Projector,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly observer: CommandObserver,
  ) {}

  execute<Outcome extends CommandOutcome>(command: Command<Outcome>): Promise<Outcome> {
    return this.observer.observe(command, async () => {
      const outcome = await this.commandBus.execute(command);
      await this.engine.waitFor(outcome.position, this.settings.READ_YOUR_WRITES_TIMEOUT_MS);
      return outcome;
    });
  }
}
