import { Injectable } from '@nestjs/common';
import type { Actor } from '../domain/actor';

/** Callers remembered at most; beyond it, those whose writes every read model shows go first. */
const MAX_CALLERS = 10_000;

const callerKey = (actor: Pick<Actor, 'tenantId' | 'userId'>) =>
  `${actor.tenantId}\u0000${actor.userId}`;

/**
 * The newest position each caller's mutations recorded through this instance, so that the same
 * caller's next requests read their own writes: each read waits until the read models it reads
 * have applied it (ReadSide.ready). A caller whose writes every read model already shows needs no
 * entry, so the map holds little more than the writes still being projected.
 */
@Injectable()
export class CallerWrites {
  private readonly positions = new Map<string, number>();

  lastOf(actor: Pick<Actor, 'tenantId' | 'userId'> | undefined): number {
    return actor ? (this.positions.get(callerKey(actor)) ?? 0) : 0;
  }

  /** Notes `position` for `actor`; `visible` is the position every read model has applied. */
  note(actor: Pick<Actor, 'tenantId' | 'userId'>, position: number, visible: number): void {
    const key = callerKey(actor);
    if (position <= (this.positions.get(key) ?? 0)) return;
    this.positions.delete(key);
    this.positions.set(key, position);
    if (this.positions.size <= MAX_CALLERS) return;
    for (const [other, written] of this.positions) {
      if (written <= visible) this.positions.delete(other);
    }
    // Still full: the oldest writes are the likeliest to be visible by now.
    for (const other of this.positions.keys()) {
      if (this.positions.size <= MAX_CALLERS) break;
      this.positions.delete(other);
    }
  }
}
