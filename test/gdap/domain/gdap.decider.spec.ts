import type { GdapCommand } from '../../../src/gdap/domain/commands';
import type { GdapStreamEvent } from '../../../src/gdap/domain/events';
import { gdapDecider } from '../../../src/gdap/domain/gdap.decider';
import { nextDueAt } from '../../../src/gdap/domain/due-transitions';
import { occurredAtOf } from '../../../src/platform/domain/event-time';
import { grantsFor } from '../../../src/gdap/domain/gdap-state';
import { ASSIGNMENTS_HELD_AT_MOST } from '../../../src/gdap/domain/assignment-decisions';
import { RELATIONSHIPS_HELD_PER_CUSTOMER_AT_MOST } from '../../../src/gdap/domain/relationship-decisions';
import { decideOn, given } from '../../support/given';
import {
  activeWithAssignment,
  ann,
  approve,
  ASSIGNMENT,
  assign,
  at,
  createCommand,
  due,
  EXCHANGE,
  CONTOSO,
  FABRIKAM,
  fay,
  GA,
  HELPDESK,
  historyOf,
  REL,
  REL2,
  requestApproval,
  secondPendingOn,
  sam,
  USER_ADMIN,
} from './gdap.fixtures';

const terminateAll = (
  approvedSinceRequest: string[] = [],
  actor = fay,
): Extract<GdapCommand, { type: 'TerminateAllForCustomer' }> => ({
  type: 'TerminateAllForCustomer',
  actor,
  partnerTenantId: CONTOSO,
  customerTenantId: FABRIKAM,
  approvedSinceRequest,
});
const unassign = (assignmentId: string): GdapCommand => ({
  type: 'DeleteDelegatedAdminAccessAssignment',
  actor: ann,
  relationshipId: REL,
  assignmentId,
});
const created = () => historyOf([createCommand(), 0]);
const pending = () => historyOf([createCommand(), 0], [requestApproval(), 0]);

describe('GDAP relationship decider', () => {
  describe('R60 creation', () => {
    it.each(['operator', 'partner-ledger'])(
      'R60: a relationship with the product’s own tenant id %p is INVALID_INPUT: no customer has it to approve',
      (customerTenantId) => {
        given(gdapDecider)
          .when(createCommand({ customerTenantId }), at(0))
          .thenThrows('INVALID_INPUT', 'R60');
      },
    );

    it(`R60: a partner holds at most ${RELATIONSHIPS_HELD_PER_CUSTOMER_AT_MOST} relationships with one customer at once; deleting one makes room`, () => {
      const ids = Array.from(
        { length: RELATIONSHIPS_HELD_PER_CUSTOMER_AT_MOST },
        (_, n) => `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000@contoso-partners`,
      );
      const full = ids.map((relationshipId, n): [GdapCommand, number] => [
        createCommand({ relationshipId, displayName: `Fabrikam ${n}` }),
        0,
      ]);
      const oneMore = (customerTenantId = FABRIKAM) =>
        createCommand({ relationshipId: REL, displayName: 'One more', customerTenantId });
      given(gdapDecider, historyOf(...full))
        .when(oneMore(), at(0))
        .thenThrows('PRECONDITION_FAILED', 'R60');
      given(gdapDecider, historyOf(...full))
        .when(oneMore('woodgrove'), at(0))
        .events();
      const deleted = historyOf(...full, [
        { type: 'DeleteDelegatedAdminRelationship', actor: ann, relationshipId: ids[0] },
        0,
      ]);
      given(gdapDecider, deleted).when(oneMore(), at(0)).events();
      // An approval request left to lapse ends the relationship (R62): it no longer counts.
      const lapsed = historyOf(...full, [requestApproval(ids[0]), 0], [due, 91]);
      given(gdapDecider, lapsed).when(oneMore(), at(91)).events();
    });

    it('R60: an Admin Agent creates a relationship with catalogue roles', () => {
      const [event] = given(gdapDecider).when(createCommand(), at(0)).events();
      expect(event).toEqual({
        type: 'DelegatedAdminRelationshipCreated',
        data: expect.objectContaining({
          relationshipId: REL,
          partnerTenantId: 'contoso-partners',
          customerTenantId: FABRIKAM,
          displayName: 'Contoso helpdesk',
          duration: 'P730D',
          roles: [USER_ADMIN, EXCHANGE],
          autoExtendDuration: 'P180D',
        }),
      });
    });

    it('R60: only Admin Agents create relationships', () => {
      given(gdapDecider)
        .when(createCommand({ actor: sam }), at(0))
        .thenThrows('FORBIDDEN', 'R60');
    });

    it('R60: the display name has 1 to 50 characters', () => {
      given(gdapDecider)
        .when(createCommand({ displayName: 'x'.repeat(51) }), at(0))
        .thenThrows('INVALID_INPUT', 'R60');
      // Nothing a reader sees (spaces, zero-width characters), or a line break of another kind.
      for (const displayName of ['  ', '\u200b', ' \u2060\ufeff ', 'Tier\u2028two']) {
        given(gdapDecider)
          .when(createCommand({ displayName }), at(0))
          .thenThrows('INVALID_INPUT', 'R60');
      }
      given(gdapDecider)
        .when(createCommand({ displayName: 'x'.repeat(50) }), at(0))
        .events();
    });

    it('R60: characters are counted as a reader counts them, a character outside the basic plane as one', () => {
      for (const character of ['😀', '𠀀', '𝐀']) {
        given(gdapDecider)
          .when(createCommand({ displayName: character.repeat(50) }), at(0))
          .events();
        given(gdapDecider)
          .when(createCommand({ displayName: character.repeat(51) }), at(0))
          .thenThrows('INVALID_INPUT', 'R60');
      }
    });

    it('R60: the customer’s display name, when the partner gives one, is recorded (NFC, trimmed); 1 to 256 characters without control characters', () => {
      const [named] = given(gdapDecider)
        .when(createCommand({ customerDisplayName: '  Fabrikam, Inc.  ' }), at(0))
        .events();
      expect(named.data).toMatchObject({ customerDisplayName: 'Fabrikam, Inc.' });
      const [unnamed] = given(gdapDecider).when(createCommand(), at(0)).events();
      expect(unnamed.data).not.toHaveProperty('customerDisplayName');
      for (const customerDisplayName of [' ', 'x'.repeat(257), 'Fabrikam\u202e', 'Fab\nrikam']) {
        given(gdapDecider)
          .when(createCommand({ customerDisplayName }), at(0))
          .thenThrows('INVALID_INPUT', 'R60');
      }
      given(gdapDecider)
        .when(createCommand({ customerDisplayName: 'x'.repeat(256) }), at(0))
        .events();
    });

    it('R60: the display name is unique per partner, whatever the case or invisible characters', () => {
      for (const displayName of ['CONTOSO HELPDESK', 'Contoso\u200b helpdesk\u200d']) {
        given(gdapDecider, created())
          .when(createCommand({ relationshipId: REL2, displayName }), at(0))
          .thenThrows('CONFLICT', 'R60');
      }
    });

    it('R60: the duration is an ISO 8601 duration from 1 day to 2 years', () => {
      for (const duration of ['PT23H', 'P731D', 'P3Y', 'two years', '']) {
        given(gdapDecider)
          .when(createCommand({ duration }), at(0))
          .thenThrows('INVALID_INPUT', 'R60');
      }
      for (const duration of ['P1D', 'P2Y', 'P730D', 'p90d']) {
        given(gdapDecider).when(createCommand({ duration }), at(0)).events();
      }
    });

    it('R60: a duration the parser would half-read, or one past the calendar, is refused', () => {
      // iso8601-duration takes the first match anywhere; these would be stored as given.
      for (const duration of ['P1D P1D', '-P1D', 'P1DT-1H', 'P1Y1Y', 'P1DT', 'PT', 'P']) {
        given(gdapDecider)
          .when(createCommand({ duration }), at(0))
          .thenThrows('INVALID_INPUT', 'R60');
      }
      // These end at no date at all (Invalid Date compares as nothing): approval then crashed.
      for (const duration of ['P999999999Y', 'P100000000000000000000D', `P${'9'.repeat(5000)}D`]) {
        const refused = given(gdapDecider)
          .when(createCommand({ duration }), at(0))
          .thenThrows('INVALID_INPUT', 'R60');
        expect(refused.message.length).toBeLessThan(200);
      }
      for (const duration of ['PT24H', 'P1W', 'P1Y12M', ' p1d ']) {
        given(gdapDecider).when(createCommand({ duration }), at(0)).events();
      }
    });

    it('R60, R62: a day count that fit two years when created (across 29 February) ends two years after its approval, never later', () => {
      // 2028-01-10 to 2030-01-10 is 731 days (29 February 2028 between); from 1 March 2028 it is 730.
      expect(at(739).toISOString()).toBe('2028-01-10T00:00:00.000Z');
      const history = historyOf(
        [createCommand({ duration: 'P731D' }), 739],
        [requestApproval(), 789],
      );
      const [approved] = given(gdapDecider, history).when(approve(), at(790)).events();
      expect(approved.data).toMatchObject({
        activatedAt: '2028-03-01T00:00:00.000Z',
        endDateTime: '2030-03-01T00:00:00.000Z',
      });
      const [early] = given(gdapDecider, history).when(approve(), at(740)).events();
      expect(early.data).toMatchObject({ endDateTime: '2030-01-11T00:00:00.000Z' });
    });

    it('R60, R62: a relationship recorded with a duration that ends at no date is refused approval, not crashed on', () => {
      const [createdEvent, ...rest] = pending();
      const poisoned = {
        ...createdEvent,
        data: { ...createdEvent.data, duration: 'P999999999Y' },
      } as typeof createdEvent;
      given(gdapDecider, [poisoned, ...rest])
        .when(approve(), at(1))
        .thenThrows('PRECONDITION_FAILED', 'R60');
    });

    it('R60: display names hold no control or text-direction characters, and are compared in NFC', () => {
      for (const displayName of [
        'Contoso\nhelpdesk',
        'Contoso\u0000',
        '\u202eksedpleh',
        'a\u2066b',
        'alm\u061c-x', // the Arabic letter mark, a bidirectional control too
      ]) {
        given(gdapDecider)
          .when(createCommand({ displayName }), at(0))
          .thenThrows('INVALID_INPUT', 'R60');
      }
      const [event] = given(gdapDecider)
        .when(createCommand({ displayName: 'Cafe\u0301 helpdesk' }), at(0))
        .events();
      expect(event.data).toMatchObject({ displayName: 'Caf\u00e9 helpdesk' });
      given(gdapDecider, historyOf([createCommand({ displayName: 'Caf\u00e9 helpdesk' }), 0]))
        .when(createCommand({ relationshipId: REL2, displayName: 'CAFE\u0301 HELPDESK' }), at(0))
        .thenThrows('CONFLICT', 'R60');
    });

    it('R60: roles come from the catalogue, named as it names them', () => {
      given(gdapDecider)
        .when(createCommand({ roles: [] }), at(0))
        .thenThrows('INVALID_INPUT', 'R60');
      given(gdapDecider)
        .when(
          createCommand({ roles: [{ roleTemplateId: '00000000-0000-4000-8000-000000000000' }] }),
          at(0),
        )
        .thenThrows('INVALID_INPUT', 'R60');
      given(gdapDecider)
        .when(
          createCommand({
            roles: [{ roleTemplateId: GA.roleTemplateId, displayName: 'Helpdesk Administrator' }],
          }),
          at(0),
        )
        .thenThrows('INVALID_INPUT', 'R60');
    });

    it('R60: auto-extend is none or 180 days, and never with Global Administrator', () => {
      given(gdapDecider)
        .when(createCommand({ autoExtendDuration: 'P90D' }), at(0))
        .thenThrows('INVALID_INPUT', 'R60');
      given(gdapDecider)
        .when(createCommand({ roles: [GA], autoExtendDuration: 'P180D' }), at(0))
        .thenThrows('INVALID_INPUT', 'R60');
      const [event] = given(gdapDecider)
        .when(createCommand({ roles: [GA], autoExtendDuration: 'P0D' }), at(0))
        .events();
      expect(event.data).toMatchObject({ autoExtendDuration: 'PT0S' });
    });
  });

  describe('R61 created, editable; approval requested', () => {
    it('R61: a created relationship can be edited (the edit records the fields as they were) and deleted', () => {
      const [edited] = given(gdapDecider, created())
        .when(
          {
            type: 'UpdateDelegatedAdminRelationship',
            actor: ann,
            relationshipId: REL,
            displayName: 'Renamed',
            roles: [HELPDESK],
          },
          at(0),
        )
        .events();
      expect(edited.data).toMatchObject({
        displayName: 'Renamed',
        roles: [HELPDESK],
        before: {
          displayName: 'Contoso helpdesk',
          duration: 'P730D',
          roles: [USER_ADMIN, EXCHANGE],
          autoExtendDuration: 'P180D',
        },
      });
      given(gdapDecider, created())
        .when({ type: 'DeleteDelegatedAdminRelationship', actor: ann, relationshipId: REL }, at(0))
        .events();
    });

    /** Ann's edit of REL with `change`. */
    const edit = (change: object): GdapCommand => ({
      type: 'UpdateDelegatedAdminRelationship',
      actor: ann,
      relationshipId: REL,
      ...change,
    });

    it('R61: an edit that gives the fields as they are (roles in any order) records nothing', () => {
      for (const change of [
        {},
        { displayName: ' Contoso helpdesk ', duration: 'p730d' },
        { roles: [EXCHANGE, USER_ADMIN], autoExtendDuration: 'P180D' },
      ]) {
        given(gdapDecider, created()).when(edit(change), at(0)).thenNothing();
      }
      expect(
        given(gdapDecider, created())
          .when(edit({ customerDisplayName: 'Fabrikam EU' }), at(0))
          .events(),
      ).toHaveLength(1);
    });

    it('R61: the partner renames the customer of a created relationship; its customer does not change', () => {
      const [renamed] = given(gdapDecider, created())
        .when(edit({ customerTenantId: FABRIKAM, customerDisplayName: ' Fabrikam EU ' }), at(0))
        .events();
      expect(renamed.data).toMatchObject({ customerDisplayName: 'Fabrikam EU' });
      const [unchanged] = given(gdapDecider, created())
        .when(edit({ displayName: 'Renamed' }), at(0))
        .events();
      expect(unchanged.data).not.toHaveProperty('customerDisplayName');
      given(gdapDecider, created())
        .when(edit({ customerTenantId: 'woodgrove' }), at(0))
        .thenThrows('INVALID_INPUT', 'R61');
      given(gdapDecider, created())
        .when(edit({ customerDisplayName: 'x'.repeat(257) }), at(0))
        .thenThrows('INVALID_INPUT', 'R60');
    });

    it('R61: requesting approval locks it, with an approval link and an email draft', () => {
      const [event] = given(gdapDecider, created()).when(requestApproval(), at(0)).events();
      expect(event.type).toBe('DelegatedAdminRelationshipApprovalRequested');
      const data = event.data as { approvalUrl: string; emailDraft: { body: string } };
      expect(data.approvalUrl).toContain(encodeURIComponent(REL));
      expect(data.emailDraft.body).toContain(data.approvalUrl);
      given(gdapDecider, pending())
        .when(
          {
            type: 'UpdateDelegatedAdminRelationship',
            actor: ann,
            relationshipId: REL,
            displayName: 'x',
          },
          at(0),
        )
        .thenThrows('PRECONDITION_FAILED', 'R61');
      given(gdapDecider, pending())
        .when({ type: 'DeleteDelegatedAdminRelationship', actor: ann, relationshipId: REL }, at(0))
        .thenThrows('PRECONDITION_FAILED', 'R61');
    });

    it('R61: a customer cannot see, let alone change, a relationship of another customer', () => {
      given(gdapDecider, pending())
        .when(approve(REL, { ...fay, tenantId: 'northwind' }), at(1))
        .thenThrows('NOT_FOUND', undefined);
    });
  });

  describe('R62 approval', () => {
    it('R62: the customer’s Global admin approves all roles; the end date follows the duration', () => {
      const [event] = given(gdapDecider, pending()).when(approve(), at(1)).events();
      expect(event).toMatchObject({
        type: 'DelegatedAdminRelationshipApproved',
        data: { activatedAt: at(1).toISOString(), endDateTime: at(731).toISOString() },
      });
    });

    it('R16, R62: approval records the customer’s name and domain as its admin’s token gives them; a token without them records none', () => {
      const [named] = given(gdapDecider, pending()).when(approve(), at(1)).events();
      expect(named.data).toMatchObject({
        customerDisplayName: 'Fabrikam',
        customerDomain: 'fabrikam.onmicrosoft.com',
      });
      const { tenantName: _, tenantDomain: __, ...unnamedAdmin } = fay;
      const [unnamed] = given(gdapDecider, pending())
        .when(approve(REL, unnamedAdmin), at(1))
        .events();
      expect(unnamed.data).not.toHaveProperty('customerDisplayName');
      expect(unnamed.data).not.toHaveProperty('customerDomain');
    });

    it('R62, R63: a relationship of 30 days or less is expiring from its approval on, recorded with it', () => {
      const approvedFor = (duration: string) =>
        given(gdapDecider, historyOf([createCommand({ duration }), 0], [requestApproval(), 0]))
          .when(approve(), at(1))
          .events()
          .map((event) => event.type);
      expect(approvedFor('P30D')).toEqual([
        'DelegatedAdminRelationshipApproved',
        'DelegatedAdminRelationshipExpiring',
      ]);
      expect(approvedFor('P31D')).toEqual(['DelegatedAdminRelationshipApproved']);
      const expiringAtOnce = historyOf(
        [createCommand({ duration: 'P1D' }), 0],
        [requestApproval(), 0],
        [approve(), 1],
      );
      given(gdapDecider, expiringAtOnce).when(due, at(1)).thenNothing();
    });

    it('R62: approval requests expire after 90 days', () => {
      given(gdapDecider, pending())
        .when(approve(), at(90))
        .thenThrows('PRECONDITION_FAILED', 'R62');
      expect(given(gdapDecider, pending()).when(due, at(90)).events()).toEqual([
        expect.objectContaining({ type: 'DelegatedAdminRelationshipApprovalExpired' }),
      ]);
      given(gdapDecider, pending()).when(due, at(89)).thenNothing();
    });

    it('R62: only a Global admin of the customer approves', () => {
      given(gdapDecider, pending())
        .when(approve(REL, { ...fay, roles: ['UserAdministrator'] }), at(1))
        .thenThrows('FORBIDDEN', 'R62');
      given(gdapDecider, created()).when(approve(), at(1)).thenThrows('PRECONDITION_FAILED', 'R62');
    });
  });

  describe('R63 expiring, expired, auto-extended', () => {
    const activeNoExtend = () => activeWithAssignment({ autoExtendDuration: 'PT0S' });

    it('R63: within 30 days of the end the relationship is expiring, then expired at the end', () => {
      given(gdapDecider, activeNoExtend()).when(due, at(700)).thenNothing();
      expect(given(gdapDecider, activeNoExtend()).when(due, at(701)).events()).toEqual([
        expect.objectContaining({ type: 'DelegatedAdminRelationshipExpiring' }),
      ]);
      expect(
        given(gdapDecider, activeNoExtend())
          .when(due, at(731))
          .events()
          .map((event) => event.type),
      ).toEqual(['DelegatedAdminRelationshipExpiring', 'DelegatedAdminRelationshipExpired']);
    });

    it('R63, R69, R43: caught up after the product was down, transitions are recorded in the order they were due, across relationships, each at its due moment', () => {
      const history = [...activeNoExtend(), ...secondPendingOn('Contoso billing', 600)];
      const now = at(800);
      const events = given(gdapDecider, history).when(due, now).events();
      expect(events.map((event) => [event.type, occurredAtOf(event, now).toISOString()])).toEqual([
        ['DelegatedAdminRelationshipApprovalExpired', at(690).toISOString()],
        ['DelegatedAdminRelationshipExpiring', at(701).toISOString()],
        ['DelegatedAdminRelationshipExpired', at(731).toISOString()],
      ]);
    });

    it('R63: with auto-extend, the end moves by 180 days instead', () => {
      const events = given(gdapDecider, activeWithAssignment()).when(due, at(731)).events();
      expect(events.map((event) => event.type)).toEqual([
        'DelegatedAdminRelationshipExpiring',
        'DelegatedAdminRelationshipAutoExtended',
      ]);
      expect(events[1].data).toMatchObject({ endDateTime: at(911).toISOString() });
    });

    it('R63: an expired relationship grants nothing; the next due time is known in advance', () => {
      const history = activeNoExtend();
      const state = given(gdapDecider, history).state;
      expect(nextDueAt(state)).toEqual(at(701));
      expect(grantsFor(state, FABRIKAM)).toHaveLength(1);
      const after = given(gdapDecider, [
        ...history,
        ...given(gdapDecider, history).when(due, at(731)).events(),
      ]).state;
      expect(grantsFor(after, FABRIKAM)).toEqual([]);
      expect(nextDueAt(after)).toBeNull();
    });
  });

  describe('R64 termination', () => {
    it('R64: either side terminates an active relationship; the scheduler records it terminated', () => {
      for (const actor of [ann, fay]) {
        const history = activeWithAssignment();
        const [requested] = given(gdapDecider, history)
          .when({ type: 'TerminateDelegatedAdminRelationship', actor, relationshipId: REL }, at(2))
          .events();
        expect(requested).toMatchObject({
          type: 'DelegatedAdminRelationshipTerminationRequested',
          data: { requestedBy: actor === ann ? 'PARTNER' : 'CUSTOMER' },
        });
        const state = given(gdapDecider, [...history, requested]).state;
        expect(grantsFor(state, FABRIKAM)).toEqual([]);
        expect(
          given(gdapDecider, [...history, requested])
            .when(due, at(2))
            .events(),
        ).toEqual([expect.objectContaining({ type: 'DelegatedAdminRelationshipTerminated' })]);
      }
    });

    it('R64: a relationship not active cannot be terminated', () => {
      given(gdapDecider, pending())
        .when(
          { type: 'TerminateDelegatedAdminRelationship', actor: fay, relationshipId: REL },
          at(2),
        )
        .thenThrows('PRECONDITION_FAILED', 'R64');
    });
  });

  describe('R65 changes while active', () => {
    const update = (change: object) => ({
      type: 'UpdateDelegatedAdminRelationship' as const,
      actor: ann,
      relationshipId: REL,
      ...change,
    });
    const withGa = () =>
      activeWithAssignment({ roles: [GA, USER_ADMIN], autoExtendDuration: 'PT0S' });

    it('R65: an active relationship keeps the customer name its approval recorded; the same name given again is no change', () => {
      // Fay's token names her tenant "Fabrikam" (R62).
      given(gdapDecider, activeWithAssignment())
        .when(update({ customerDisplayName: 'Fabrikam EU' }), at(2))
        .thenThrows('PRECONDITION_FAILED', 'R65');
      given(gdapDecider, activeWithAssignment())
        .when(update({ customerTenantId: FABRIKAM, customerDisplayName: 'Fabrikam' }), at(2))
        .thenNothing();
      given(gdapDecider, activeWithAssignment())
        .when(update({ customerTenantId: 'woodgrove' }), at(2))
        .thenThrows('INVALID_INPUT', 'R61');
    });

    it('R63, R64, R61: an edit after the relationship ended names the rule that ended it', () => {
      const noExtend = () => activeWithAssignment({ autoExtendDuration: 'PT0S' });
      const expired = [...noExtend(), ...decideOn(gdapDecider, noExtend(), due, at(731))];
      given(gdapDecider, expired)
        .when(update({ autoExtendDuration: 'P180D' }), at(732))
        .thenThrows('PRECONDITION_FAILED', 'R63');
      const terminated = historyOf(
        [createCommand(), 0],
        [requestApproval(), 0],
        [approve(), 1],
        [{ type: 'TerminateDelegatedAdminRelationship', actor: fay, relationshipId: REL }, 2],
      );
      given(gdapDecider, terminated)
        .when(update({ autoExtendDuration: 'P180D' }), at(3))
        .thenThrows('PRECONDITION_FAILED', 'R64');
      given(gdapDecider, pending())
        .when(update({ displayName: 'New' }), at(1))
        .thenThrows('PRECONDITION_FAILED', 'R61');
    });

    it('R65: auto-extend may change while active; name, duration and other roles may not', () => {
      const [event] = given(gdapDecider, activeWithAssignment())
        .when(update({ autoExtendDuration: 'PT0S' }), at(2))
        .events();
      expect(event.data).toMatchObject({ autoExtendDuration: 'PT0S' });
      given(gdapDecider, activeWithAssignment())
        .when(update({ displayName: 'New' }), at(2))
        .thenThrows('PRECONDITION_FAILED', 'R65');
      // Its own name again, in another Unicode form, is no change.
      const nfd = 'Caf\u0065\u0301 helpdesk';
      given(gdapDecider, activeWithAssignment({ displayName: nfd }))
        .when(update({ displayName: nfd, autoExtendDuration: 'P180D' }), at(2))
        .thenNothing();
      given(gdapDecider, activeWithAssignment())
        .when(update({ roles: [USER_ADMIN, EXCHANGE, HELPDESK] }), at(2))
        .thenThrows('PRECONDITION_FAILED', 'R65');
      given(gdapDecider, activeWithAssignment())
        .when(update({ roles: [USER_ADMIN] }), at(2))
        .thenThrows('PRECONDITION_FAILED', 'R65');
    });

    it('R65: Global Administrator may be removed, after which auto-extend is allowed; the edit records both as they were', () => {
      given(gdapDecider, withGa())
        .when(update({ autoExtendDuration: 'P180D' }), at(2))
        .thenThrows('INVALID_INPUT', 'R60');
      const [removed] = given(gdapDecider, withGa())
        .when(update({ roles: [USER_ADMIN], autoExtendDuration: 'P180D' }), at(2))
        .events();
      expect(removed.data).toMatchObject({
        roles: [USER_ADMIN],
        autoExtendDuration: 'P180D',
        before: { roles: [GA, USER_ADMIN], autoExtendDuration: 'PT0S' },
      });
    });

    it('R63, R64, R66: past its end date, before the scheduler records its expiry, a relationship is neither edited (auto-extend would revive it), terminated nor assigned to', () => {
      // Approved on day 1 for P730D: it ends on day 731.
      given(gdapDecider, activeWithAssignment({ autoExtendDuration: 'PT0S' }))
        .when(update({ autoExtendDuration: 'P180D' }), at(731))
        .thenThrows('PRECONDITION_FAILED', 'R63');
      given(gdapDecider, activeWithAssignment())
        .when(
          { type: 'TerminateDelegatedAdminRelationship', actor: fay, relationshipId: REL },
          at(732),
        )
        .thenThrows('PRECONDITION_FAILED', 'R64');
      given(gdapDecider, activeWithAssignment())
        .when(assign('HELPDESK_AGENTS', [USER_ADMIN.roleTemplateId], REL2.slice(0, 36)), at(731))
        .thenThrows('PRECONDITION_FAILED', 'R66');
      const [extended] = given(gdapDecider, activeWithAssignment({ autoExtendDuration: 'PT0S' }))
        .when(update({ autoExtendDuration: 'P180D' }), at(730))
        .events();
      expect(extended.data).toMatchObject({ autoExtendDuration: 'P180D' });
    });

    it('R65, R66: the roles an active relationship holds, sent again (a Graph PATCH of the whole body), record nothing and keep Global Administrator', () => {
      given(gdapDecider, withGa())
        .when(update({ roles: [GA, USER_ADMIN] }), at(2))
        .thenNothing();
      given(gdapDecider, withGa())
        .when(update({ roles: [USER_ADMIN, GA], autoExtendDuration: 'PT0S' }), at(2))
        .thenNothing();
      const gaOnly = historyOf(
        [createCommand({ roles: [GA], autoExtendDuration: 'PT0S' }), 0],
        [requestApproval(), 0],
        [approve(), 1],
      );
      given(gdapDecider, gaOnly)
        .when(update({ roles: [GA] }), at(2))
        .thenNothing();
    });
  });

  describe('R65, R66 Global Administrator removed from assignments', () => {
    const GA_ONLY = '66666666-6666-4666-8666-666666666666';
    const MIXED = '77777777-7777-4777-8777-777777777777';
    const assigned = () =>
      historyOf(
        [createCommand({ roles: [GA, USER_ADMIN], autoExtendDuration: 'PT0S' }), 0],
        [requestApproval(), 0],
        [approve(), 1],
        [assign('HELPDESK_AGENTS', [GA.roleTemplateId], GA_ONLY), 1],
        [assign('tier-two', [GA.roleTemplateId, USER_ADMIN.roleTemplateId], MIXED), 1],
        [due, 1],
      );
    const removeGa = {
      type: 'UpdateDelegatedAdminRelationship' as const,
      actor: ann,
      relationshipId: REL,
      roles: [USER_ADMIN],
    };
    const groupsGranted = (events: ReturnType<typeof historyOf>) =>
      grantsFor(events.reduce(gdapDecider.evolve, gdapDecider.initialState), FABRIKAM).map(
        (grant) => [grant.securityGroupId, grant.roles.map((role) => role.roleTemplateId)],
      );

    it('R65, R66: an assignment that held only Global Administrator is deleted with it; one that held more keeps the rest', () => {
      const events = given(gdapDecider, assigned()).when(removeGa, at(2)).events();
      expect(events.map((event) => event.type)).toEqual([
        'DelegatedAdminRelationshipUpdated',
        'DelegatedAdminAccessAssignmentDeletionRequested',
      ]);
      expect(events[1].data).toMatchObject({ assignmentId: GA_ONLY });
      const after = [...assigned(), ...events];
      expect(groupsGranted(after)).toEqual([['tier-two', [USER_ADMIN.roleTemplateId]]]);
      expect(given(gdapDecider, after).when(due, at(2)).events()).toEqual([
        expect.objectContaining({
          type: 'DelegatedAdminAccessAssignmentDeleted',
          data: expect.objectContaining({ assignmentId: GA_ONLY }),
        }),
      ]);
    });

    it('R65, R66: an assignment left with no role by an earlier version grants nothing', () => {
      const [updated] = given(gdapDecider, assigned()).when(removeGa, at(2)).events();
      expect(groupsGranted([...assigned(), updated])).toEqual([
        ['tier-two', [USER_ADMIN.roleTemplateId]],
      ]);
    });
  });

  describe('R66 access assignments', () => {
    const active = () => historyOf([createCommand(), 0], [requestApproval(), 0], [approve(), 1]);

    it('R66: a group gets a subset of the relationship’s roles; pending, then active', () => {
      const [createdEvent] = given(gdapDecider, active()).when(assign(), at(1)).events();
      expect(createdEvent).toMatchObject({
        type: 'DelegatedAdminAccessAssignmentCreated',
        data: { securityGroupId: 'ADMIN_AGENTS', roles: [USER_ADMIN] },
      });
      const history = [...active(), createdEvent];
      expect(grantsFor(given(gdapDecider, history).state, FABRIKAM)).toEqual([]);
      const [activated] = given(gdapDecider, history).when(due, at(1)).events();
      expect(activated.type).toBe('DelegatedAdminAccessAssignmentActivated');
      expect(grantsFor(given(gdapDecider, [...history, activated]).state, FABRIKAM)).toEqual([
        expect.objectContaining({ securityGroupId: 'ADMIN_AGENTS', roles: [USER_ADMIN] }),
      ]);
    });

    it('R66: roles outside the relationship, bad groups and a second assignment per group are refused', () => {
      given(gdapDecider, active())
        .when(assign('ADMIN_AGENTS', [GA.roleTemplateId]), at(1))
        .thenThrows('INVALID_INPUT', 'R66');
      given(gdapDecider, active())
        .when(assign('Not A Group!'), at(1))
        .thenThrows('INVALID_INPUT', 'R66');
      given(gdapDecider, activeWithAssignment())
        .when(assign('ADMIN_AGENTS', [EXCHANGE.roleTemplateId], REL2.slice(0, 36)), at(2))
        .thenThrows('CONFLICT', 'R66');
      given(gdapDecider, active()).when(assign('tier-two'), at(1)).events();
    });

    it(`R66: a relationship holds at most ${ASSIGNMENTS_HELD_AT_MOST} assignments at once; one deleted frees its place`, () => {
      const ids = Array.from(
        { length: ASSIGNMENTS_HELD_AT_MOST },
        (_, n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      );
      const full: [GdapCommand, number][] = [
        [createCommand(), 0],
        [requestApproval(), 0],
        [approve(), 1],
        ...ids.map((id, n): [GdapCommand, number] => [assign(`group-${n}`, undefined, id), 1]),
      ];
      const oneMore = assign('one-more', undefined, ASSIGNMENT);
      given(gdapDecider, historyOf(...full))
        .when(oneMore, at(1))
        .thenThrows('PRECONDITION_FAILED', 'R66');
      const deleting = historyOf(...full, [unassign(ids[0]), 1]);
      // A deleting assignment holds its place until the scheduler records it deleted.
      given(gdapDecider, deleting).when(oneMore, at(1)).thenThrows('PRECONDITION_FAILED', 'R66');
      const deleted = historyOf(...full, [unassign(ids[0]), 1], [due, 1]);
      expect(given(gdapDecider, deleted).when(oneMore, at(1)).events()).toEqual([
        expect.objectContaining({ type: 'DelegatedAdminAccessAssignmentCreated' }),
      ]);
    });

    it('R66: only while the relationship is active', () => {
      given(gdapDecider, pending()).when(assign(), at(1)).thenThrows('PRECONDITION_FAILED', 'R66');
      given(gdapDecider, active()).when(assign(), at(731)).thenThrows('PRECONDITION_FAILED', 'R66');
    });

    it('R63, R66: an assignment is deleted only while the relationship is in force: past its end, before the expiry is recorded, PRECONDITION_FAILED', () => {
      const history = activeWithAssignment();
      given(gdapDecider, history)
        .when(unassign(ASSIGNMENT), at(731))
        .thenThrows('PRECONDITION_FAILED', 'R66');
    });

    it('R66: deleting goes through deleting to deleted, granting nothing from the request on', () => {
      const history = activeWithAssignment();
      const [deleting] = given(gdapDecider, history).when(unassign(ASSIGNMENT), at(2)).events();
      expect(deleting.type).toBe('DelegatedAdminAccessAssignmentDeletionRequested');
      expect(grantsFor(given(gdapDecider, [...history, deleting]).state, FABRIKAM)).toEqual([]);
      expect(
        given(gdapDecider, [...history, deleting])
          .when(due, at(2))
          .events(),
      ).toEqual([expect.objectContaining({ type: 'DelegatedAdminAccessAssignmentDeleted' })]);
    });
  });

  describe('R66 changing an access assignment’s roles', () => {
    const reassign = (
      roleTemplateIds: string[],
      actor = ann,
    ): Extract<GdapCommand, { type: 'UpdateDelegatedAdminAccessAssignment' }> => ({
      type: 'UpdateDelegatedAdminAccessAssignment',
      actor,
      relationshipId: REL,
      assignmentId: ASSIGNMENT,
      roleTemplateIds,
    });

    it('R66: the group holds the new subset at once, the roles left out taken away, the assignment still active', () => {
      const history = activeWithAssignment(); // ADMIN_AGENTS: User Administrator
      const [updated] = given(gdapDecider, history)
        .when(reassign([EXCHANGE.roleTemplateId]), at(2))
        .events();
      expect(updated).toEqual({
        type: 'DelegatedAdminAccessAssignmentUpdated',
        data: {
          relationshipId: REL,
          partnerTenantId: 'contoso-partners',
          customerTenantId: FABRIKAM,
          assignmentId: ASSIGNMENT,
          securityGroupId: 'ADMIN_AGENTS',
          roles: [EXCHANGE],
          before: [USER_ADMIN],
        },
      });
      expect(grantsFor(given(gdapDecider, [...history, updated]).state, FABRIKAM)).toEqual([
        expect.objectContaining({ securityGroupId: 'ADMIN_AGENTS', roles: [EXCHANGE] }),
      ]);
      // Nothing is left for the scheduler to do: no pending step.
      given(gdapDecider, [...history, updated])
        .when(due, at(2))
        .thenNothing();
    });

    it('R66: the same roles again (in any order, any case) change nothing', () => {
      const both = [...activeWithAssignment()];
      const [widened] = given(gdapDecider, both)
        .when(reassign([USER_ADMIN.roleTemplateId, EXCHANGE.roleTemplateId]), at(2))
        .events();
      given(gdapDecider, [...both, widened])
        .when(reassign([EXCHANGE.roleTemplateId.toUpperCase(), USER_ADMIN.roleTemplateId]), at(2))
        .thenNothing();
    });

    it('R66: roles outside the relationship or none are refused; only an Admin Agent, only while active', () => {
      const history = activeWithAssignment();
      given(gdapDecider, history)
        .when(reassign([GA.roleTemplateId]), at(2))
        .thenThrows('INVALID_INPUT', 'R66');
      given(gdapDecider, history).when(reassign([]), at(2)).thenThrows('INVALID_INPUT', 'R66');
      given(gdapDecider, history)
        .when(reassign([EXCHANGE.roleTemplateId], sam), at(2))
        .thenThrows('FORBIDDEN', 'R66');
      given(gdapDecider, history)
        .when(reassign([EXCHANGE.roleTemplateId]), at(731))
        .thenThrows('PRECONDITION_FAILED', 'R66');
    });

    it('R66: a deleting or deleted assignment, or one that does not exist, is not changed', () => {
      const deleting = [
        ...activeWithAssignment(),
        ...given(gdapDecider, activeWithAssignment()).when(unassign(ASSIGNMENT), at(2)).events(),
      ];
      given(gdapDecider, deleting)
        .when(reassign([EXCHANGE.roleTemplateId]), at(2))
        .thenThrows('PRECONDITION_FAILED', 'R66');
      given(gdapDecider, activeWithAssignment())
        .when({ ...reassign([EXCHANGE.roleTemplateId]), assignmentId: REL2.slice(0, 36) }, at(2))
        .thenThrows('NOT_FOUND', undefined);
    });

    it('R66: the state holds the new roles in the relationship’s order, whatever order they were given in', () => {
      const history = activeWithAssignment();
      const [widened] = given(gdapDecider, history)
        .when(reassign([EXCHANGE.roleTemplateId, USER_ADMIN.roleTemplateId]), at(2))
        .events();
      const state = given(gdapDecider, [...history, widened]).state;
      expect(state.relationships.get(REL)?.assignments[ASSIGNMENT].roles).toEqual([
        USER_ADMIN,
        EXCHANGE,
      ]);
    });
  });

  describe('R69 due transitions are recorded once', () => {
    it('R69: deciding again on the recorded transitions finds nothing left', () => {
      const history = activeWithAssignment({ autoExtendDuration: 'PT0S' });
      const first = given(gdapDecider, history).when(due, at(800)).events();
      expect(first.length).toBeGreaterThan(0);
      given(gdapDecider, [...history, ...first])
        .when(due, at(800))
        .thenNothing();
    });
  });

  describe('R70 the customer ends every relationship with a partner', () => {
    it('R70: every active relationship of the pair is terminated, and only those', () => {
      const history = [
        ...activeWithAssignment(),
        ...historyOf([createCommand({ relationshipId: REL2, displayName: 'Other' }), 0]),
      ];
      const events = given(gdapDecider, history).when(terminateAll(), at(3)).events();
      expect(events).toEqual([
        expect.objectContaining({
          type: 'DelegatedAdminRelationshipTerminationRequested',
          data: expect.objectContaining({ relationshipId: REL, requestedBy: 'CUSTOMER' }),
        }),
      ]);
    });

    it('R70: finished after a crash, it leaves alone a relationship approved after the request', () => {
      // REL's approval follows the request in the log (the customer granted again).
      given(gdapDecider, activeWithAssignment())
        .when(terminateAll([REL]), at(3))
        .thenNothing();
    });

    it('R70: a relationship approved before the request in the log is terminated, even decided at a clock earlier than its approval’s (another instance’s clock ran ahead)', () => {
      const events = given(gdapDecider, activeWithAssignment())
        .when(terminateAll([REL2]), at(0))
        .events();
      expect(events).toEqual([
        expect.objectContaining({
          type: 'DelegatedAdminRelationshipTerminationRequested',
          data: expect.objectContaining({ relationshipId: REL }),
        }),
      ]);
    });

    describe('R70 while the request ends GDAP (GdapRevocationStarted until GdapRevocationFinished)', () => {
      const started: GdapStreamEvent = {
        type: 'GdapRevocationStarted',
        data: { partnerTenantId: CONTOSO, customerTenantId: FABRIKAM },
      };
      const underway = () => [
        ...activeWithAssignment(),
        ...historyOf([createCommand({ relationshipId: REL2, displayName: 'Other' }), 0]),
        started,
      ];

      it('R70: the partner’s changes to any of its relationships are refused, to be sent again', () => {
        const rename: GdapCommand = {
          type: 'UpdateDelegatedAdminRelationship',
          actor: ann,
          relationshipId: REL2,
          displayName: 'Renamed',
        };
        given(gdapDecider, underway()).when(rename, at(3)).thenThrows('CONFLICT', 'R70');
        given(gdapDecider, underway())
          .when(unassign(ASSIGNMENT), at(3))
          .thenThrows('CONFLICT', 'R70');
      });

      it('R70: the customer’s approval and the scheduler’s transitions are not held', () => {
        const history = [...activeWithAssignment(), ...secondPendingOn('Other', 0), started];
        expect(given(gdapDecider, history).when(approve(REL2), at(3)).events()).toEqual([
          expect.objectContaining({ type: 'DelegatedAdminRelationshipApproved' }),
        ]);
        expect(given(gdapDecider, underway()).when(due, at(800)).events()).not.toEqual([]);
      });

      it('R70: the termination records that it finished, and the partner may write again', () => {
        const events = given(gdapDecider, underway()).when(terminateAll(), at(3)).events();
        expect(events.map((event) => event.type)).toEqual([
          'DelegatedAdminRelationshipTerminationRequested',
          'GdapRevocationFinished',
        ]);
        const after = [...underway(), ...events];
        const rename: GdapCommand = {
          type: 'UpdateDelegatedAdminRelationship',
          actor: ann,
          relationshipId: REL2,
          displayName: 'Renamed',
        };
        expect(given(gdapDecider, after).when(rename, at(3)).events()).toHaveLength(1);
      });

      it('R70: with nothing left to end (expired meanwhile), it records only that it finished', () => {
        const events = given(gdapDecider, underway())
          .when(terminateAll([REL]), at(3))
          .events();
        expect(events.map((event) => event.type)).toEqual(['GdapRevocationFinished']);
      });
    });

    it('R70: only the customer’s Global admin ends them all', () => {
      given(gdapDecider, activeWithAssignment())
        .when(terminateAll([], ann), at(3))
        .thenThrows('FORBIDDEN', 'R68');
    });
  });
});
