import { assertNever, type Decider } from '../../platform/domain/decider';
import { createAssignment, deleteAssignment, updateAssignment } from './assignment-decisions';
import type { GdapCommand } from './commands';
import { dueTransitions } from './due-transitions';
import type { GdapStreamEvent } from './events';
import { conflict } from '../../platform/domain/domain-error';
import { gdapViewAfter } from './gdap-history-view';
import { evolveGdap, type GdapState, initialGdapState } from './gdap-state';
import {
  approve,
  create,
  remove,
  requestApproval,
  terminate,
  terminateAllForCustomer,
  update,
} from './relationship-decisions';

/**
 * R60–R70: one partner's GDAP relationships and access assignments (`gdap-<partner>`). One stream
 * per partner, so display names are unique per partner at append time (R60).
 */
export const gdapDecider: Decider<GdapCommand, GdapStreamEvent, GdapState> & {
  viewAfter: typeof gdapViewAfter;
} = {
  initialState: initialGdapState,
  evolve: evolveGdap,
  viewAfter: gdapViewAfter,
  decide(command, state, now) {
    assertPartnerMayWrite(command, state);
    switch (command.type) {
      case 'CreateDelegatedAdminRelationship':
        return create(command, state, now);
      case 'UpdateDelegatedAdminRelationship':
        return update(command, state, now);
      case 'DeleteDelegatedAdminRelationship':
        return remove(command, state);
      case 'RequestDelegatedAdminRelationshipApproval':
        return requestApproval(command, state, now);
      case 'ApproveDelegatedAdminRelationship':
        return approve(command, state, now);
      case 'TerminateDelegatedAdminRelationship':
        return terminate(command, state, now);
      case 'TerminateAllForCustomer':
        return terminateAllForCustomer(command, state);
      case 'CreateDelegatedAdminAccessAssignment':
        return createAssignment(command, state, now);
      case 'UpdateDelegatedAdminAccessAssignment':
        return updateAssignment(command, state, now);
      case 'DeleteDelegatedAdminAccessAssignment':
        return deleteAssignment(command, state, now);
      case 'RecordDueTransitions':
        return dueTransitions(state, now);
      default:
        return assertNever(command);
    }
  },
};

/**
 * R70: while a customer's request is ending GDAP on this stream, the partner's changes (to any of
 * its relationships: they share the stream) are refused, to be sent again, so that however busy
 * the partner is, the termination's append is not overtaken (GdapRevocationEvent).
 */
function assertPartnerMayWrite(command: GdapCommand, state: GdapState): void {
  if (state.revocationsUnderway.size === 0) return;
  if (!('actor' in command) || command.actor.tenantKind !== 'partner') return;
  throw conflict(
    'A customer is ending your access; GDAP changes wait until that is recorded. Please try again in a moment.',
    'R70',
  );
}
