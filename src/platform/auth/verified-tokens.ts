import { BoundedMap } from '../common/bounded-map';
import type { Actor } from '../domain/actor';

export interface VerifiedToken {
  actor: Actor;
  /** The token's `exp`, in seconds since the epoch. */
  exp: number;
}

/**
 * Tokens already verified, by their exact text, until their `exp`: a client sends the same token
 * with every request, and checking its signature again cannot change the answer before it expires.
 * Only successes are kept, so a forged token is checked (and refused) every time; at most `capacity`
 * tokens, the oldest dropped first.
 */
export class VerifiedTokens {
  private readonly entries: BoundedMap<string, VerifiedToken>;

  constructor(
    capacity = 10_000,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.entries = new BoundedMap(capacity);
  }

  /** A token verified before and not expired since (jose's test: exp > now). */
  get(token: string): VerifiedToken | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.exp > this.nowSeconds()) return entry;
    this.entries.delete(token);
    return undefined;
  }

  remember(token: string, actor: Actor, exp: number): void {
    this.entries.set(token, { actor, exp });
  }
}
