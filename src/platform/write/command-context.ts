import type { Actor } from '../domain/actor';

/** Who asked, and the id shared by every event the request causes (R41). */
export interface CommandContext {
  actor: Actor;
  correlationId: string;
}

/** What every command returns: where its last event landed, for read-your-writes. */
export interface CommandOutcome {
  position: number;
}
