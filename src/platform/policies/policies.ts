import type { DiscoveryService, Reflector } from '@nestjs/core';
import type { DomainEvent } from '../../events';
import type { CommandContext } from '../write/command-context';
import { POLICY, type Policy, type PolicyContext } from './policy';

/**
 * Every room's policies, by the event types they react to, and the follow-ups commands ran at once
 * (so the PolicyReactor does not run them again).
 */
export class Policies {
  private byType?: Map<string, Policy[]>;
  /** Follow-ups a command ran itself, by trigger event id. */
  private readonly inline = new Map<string, { position: number; succeeded: Promise<boolean> }>();

  /** `find` is asked once, on first use (providers exist by then). */
  constructor(private readonly find: () => readonly Policy[]) {}

  /** The `@AsPolicy()` providers of the application. */
  static discovered(discovery: DiscoveryService, reflector: Reflector): Policies {
    return new Policies(() =>
      discovery
        .getProviders()
        .filter(({ instance, metatype }) => instance && metatype && reflector.get(POLICY, metatype))
        .map(({ instance }) => instance as Policy),
    );
  }

  reactsTo(type: string): boolean {
    return this.policiesOf(type).length > 0;
  }

  /** Every policy's share of what `event` calls for, one after the other. */
  async react(event: DomainEvent, context: PolicyContext): Promise<number> {
    let position = 0;
    for (const policy of this.policiesOf(event.type)) {
      position = Math.max(position, await policy.react(event, context));
    }
    return position;
  }

  /**
   * Runs the follow-ups of events a command just recorded, as its last step, and notes them so
   * the reactor does not run them again. Resolves with the position of the last event they
   * appended (0: none); rejects if one failed (the reactor then runs it again).
   */
  async runNow(
    recorded: { eventIds: readonly string[]; events: readonly DomainEvent[]; position: number },
    context: CommandContext,
  ): Promise<number> {
    let position = 0;
    for (const [index, event] of recorded.events.entries()) {
      const causationId = recorded.eventIds[index];
      const run = this.react(event, {
        ...context,
        causationId,
        triggeredAt: recorded.position,
      });
      this.inline.set(causationId, {
        position: recorded.position,
        succeeded: run.then(
          () => true,
          () => false,
        ),
      });
      position = Math.max(position, await run);
    }
    return position;
  }

  /** True once the command's own run of this event's follow-ups succeeded. */
  async ranInline(eventId: string): Promise<boolean> {
    const run = this.inline.get(eventId);
    if (!run) return false;
    this.inline.delete(eventId);
    return run.succeeded;
  }

  /** Forgets inline runs the reactor has already passed (it read them before they were noted). */
  forgetInlineUpTo(position: number): void {
    for (const [eventId, run] of this.inline) {
      if (run.position <= position) this.inline.delete(eventId);
    }
  }

  private policiesOf(type: string): readonly Policy[] {
    this.byType ??= this.find().reduce((byType, policy) => {
      for (const reactsTo of policy.reactsTo)
        byType.set(reactsTo, [...(byType.get(reactsTo) ?? []), policy]);
      return byType;
    }, new Map<string, Policy[]>());
    return this.byType.get(type) ?? [];
  }
}
