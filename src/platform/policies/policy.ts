import { SetMetadata } from '@nestjs/common';
import type { DomainEvent, EventType } from '../../events';
import type { CommandContext } from '../write/command-context';

/** Who a follow-up acts as (the trigger's actor), and on behalf of which request (R41). */
export interface PolicyContext extends CommandContext {
  /** The trigger event's id. */
  causationId: string;
  /**
   * The trigger's global position (run inline: that of the last event its command recorded). A
   * follow-up is decided as of its trigger: what its streams recorded after this position happened
   * after the trigger, however late the follow-up itself comes to append.
   */
  triggeredAt: number;
  /**
   * Set when the reactor replays a recorded event (its position): run inline, a revocation's steps
   * see only their own request's writes since; replayed, they leave alone what others wrote since.
   */
  replayedAt?: number;
  /** Replayed: when the trigger occurred, as its metadata says. */
  occurredAt?: Date;
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
