import { SetMetadata } from '@nestjs/common';
import type { DomainEvent, EventType } from '../../events';
import type { CommandContext } from '../write/command-context';

/** Who a follow-up acts as (the trigger's actor), and on behalf of which request (R41). */
export interface PolicyContext extends CommandContext {
  /** The trigger event's id. */
  causationId: string;
  /**
   * Set when the reactor replays a recorded event: a follow-up must leave alone any stream changed
   * after this position (it never re-grants DAP a customer removed since).
   */
  replayedAt?: number;
}

/**
 * A policy carries one room's share of what an event calls for on other streams (acceptance
 * establishes the relationship; an end removes DAP). Its decisions are pure functions in the room's
 * domain (`domain/policies.ts`); a policy runs them. It must be idempotent: the command that
 * recorded the trigger runs it at once, and the PolicyReactor runs it again after a crash.
 */
export interface Policy {
  readonly reactsTo: readonly EventType[];
  /** Resolves with the position of the last event it appended (0: none). */
  react(event: DomainEvent, context: PolicyContext): Promise<number>;
}

export const POLICY = 'partner-ledger:policy';

/** Marks a provider as a Policy: the PolicyReactor finds it among the rooms' providers. */
export const AsPolicy = (): ClassDecorator => SetMetadata(POLICY, true);
