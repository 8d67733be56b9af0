import { Command } from '@nestjs/cqrs';
import type { CommandContext, CommandOutcome } from './command-context';

/**
 * A use case on the CommandBus: who asks and the room's domain command, built once (in the
 * resolver, from the GraphQL input) and handed to the decider as it is. The handler only adds
 * what it reads from other streams or the settings.
 */
export abstract class Intent<
  DomainCommand,
  Outcome extends CommandOutcome = CommandOutcome,
> extends Command<Outcome> {
  constructor(
    readonly context: CommandContext,
    readonly command: DomainCommand,
  ) {
    super();
  }
}
