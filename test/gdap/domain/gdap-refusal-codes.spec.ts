import type { Actor } from '../../../src/platform/domain/actor';
import type { RuleId } from '../../../src/platform/domain/domain-error';
import type { GdapCommand } from '../../../src/gdap/domain/commands';
import { gdapDecider } from '../../../src/gdap/domain/gdap.decider';
import { customerUser, given, operator, partnerUser } from '../../support/given';
import {
  activeWithAssignment,
  ann,
  approve,
  assign,
  at,
  createCommand,
  FABRIKAM,
  fay,
  historyOf,
  REL,
  requestApproval,
  sam,
} from './gdap.fixtures';

const pending = () => historyOf([createCommand(), 0], [requestApproval(), 0]);
const created = () => historyOf([createCommand(), 0]);
/** `command` asked by `actor` instead. */
const as = (command: GdapCommand, actor: Actor): GdapCommand =>
  'actor' in command ? { ...command, actor } : command;

const fabrikamUserAdmin = customerUser(['UserAdministrator'], { tenantId: FABRIKAM });
const northwindAdmin = partnerUser(['AdminAgent'], { tenantId: 'northwind' });
const woodgroveAdmin = customerUser(['GlobalAdmin'], { tenantId: 'woodgrove' });
/** Each step the partner's Admin Agents alone take, with the rule that says so. */
const partnerOnly: [string, RuleId, () => ReturnType<typeof historyOf>, GdapCommand][] = [
  [
    'edit',
    'R61',
    created,
    { type: 'UpdateDelegatedAdminRelationship', actor: ann, relationshipId: REL, displayName: 'X' },
  ],
  [
    'delete',
    'R61',
    created,
    { type: 'DeleteDelegatedAdminRelationship', actor: ann, relationshipId: REL },
  ],
  ['ask for approval of', 'R61', created, requestApproval()],
  ['assign a group in', 'R66', () => activeWithAssignment(), assign('HELPDESK_AGENTS')],
];

/**
 * R50: a refusal's code says why. A caller of neither side of a relationship learns nothing of it
 * (NOT_FOUND); one of either side who may not do this is told so, with the rule (FORBIDDEN).
 */
describe('GDAP refusals: FORBIDDEN for the other side and wrong roles, NOT_FOUND for strangers', () => {
  it.each(partnerOnly)(
    'R50: the customer’s Global admin, a Sales Agent or the Operator may not %s a relationship (FORBIDDEN, %s); another partner finds none',
    (_, rule, history, command) => {
      for (const actor of [fay, sam, operator()]) {
        given(gdapDecider, history()).when(as(command, actor), at(1)).thenThrows('FORBIDDEN', rule);
      }
      given(gdapDecider, history())
        .when(as(command, northwindAdmin), at(1))
        .thenThrows('NOT_FOUND', undefined);
    },
  );

  it('R60: only a partner’s Admin Agent creates a relationship, whoever else asks', () => {
    for (const actor of [fay, sam, operator()]) {
      given(gdapDecider, []).when(as(createCommand(), actor), at(0)).thenThrows('FORBIDDEN', 'R60');
    }
  });

  it('R62: the partner’s users and a customer user who is not its Global admin may not approve (FORBIDDEN); another customer finds none', () => {
    for (const actor of [ann, sam, fabrikamUserAdmin]) {
      given(gdapDecider, pending()).when(approve(REL, actor), at(1)).thenThrows('FORBIDDEN', 'R62');
    }
    given(gdapDecider, pending())
      .when(approve(REL, woodgroveAdmin), at(1))
      .thenThrows('NOT_FOUND', undefined);
  });

  it('R64: of either side, only Admin Agents and Global admins terminate (FORBIDDEN, R64); strangers find none', () => {
    const terminate = (actor: Actor): GdapCommand => ({
      type: 'TerminateDelegatedAdminRelationship',
      actor,
      relationshipId: REL,
    });
    given(gdapDecider, activeWithAssignment())
      .when(terminate(sam), at(2))
      .thenThrows('FORBIDDEN', 'R64');
    given(gdapDecider, activeWithAssignment())
      .when(terminate(fabrikamUserAdmin), at(2))
      .thenThrows('FORBIDDEN', 'R64');
    for (const actor of [northwindAdmin, woodgroveAdmin]) {
      given(gdapDecider, activeWithAssignment())
        .when(terminate(actor), at(2))
        .thenThrows('NOT_FOUND', undefined);
    }
  });
});
