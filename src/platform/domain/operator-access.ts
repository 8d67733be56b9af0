import { type Actor, isOperator } from './actor';
import { forbidden } from './domain-error';

/** R42: the projections' and follow-ups' status, and rebuilding them, are the Operator's alone. */
export function assertOperator(actor: Actor): void {
  if (!isOperator(actor))
    throw forbidden('R42', 'Only the Operator may see or rebuild projections and follow-ups.');
}
