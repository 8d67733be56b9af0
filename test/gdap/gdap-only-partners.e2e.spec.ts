import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { GdapScheduler } from '../../src/gdap/gdap-scheduler';
import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { appForSuite } from '../support/app';
import { readModelsCaughtUp } from '../support/caught-up';
import { GDAP_MUTATIONS, woodgroveRelationshipAskedFor } from '../support/gdap-operations';
import { people } from '../support/tenants';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const GDAP = 'GRANULAR_DELEGATED_ADMIN';
const ROW = `partnerTenantId partnerName customerTenantId customerName relationshipType since
  relationshipActive delegatedAdmin { status roles } delegatedAdminRelationships { id status }`;
const PAGE = `query ($asOf: DateTime) { partnerRelationships(asOf: $asOf) { ${ROW} } }`;
const CHANGED = `subscription { partnerRelationshipsChanged { partnerTenantId relationshipType relationshipActive since } }`;
const INVITE = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: false, customerTenantId: "woodgrove" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const REMOVE_DAP = `mutation { removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners", confirm: true) { since } }`;
const ACCESS = `query ($userId: ID) { effectiveAccess(partnerTenantId: "contoso-partners", customerTenantId: "woodgrove", userId: $userId) { userId capabilities { role } } }`;
const REVOKE = `mutation { revokePartnerAccess(partnerTenantId: "other-partners", confirm: true) { __typename } }`;
const END = `mutation { endResellerRelationship(customerTenantId: "woodgrove") { relationshipActive } }`;

/**
 * R15, R43, R62, R67: a partner whose only relationship with the customer is GDAP is on the
 * customer's Partner relationships page while a relationship of it is in force, now, at asOf and
 * in partnerRelationshipsChanged; with a reseller relationship too, it has one row, the reseller's.
 */
describe.each(['sqlite', 'esdb'] as const)(
  'GDAP-only partners on the Partner relationships page (%s)',
  (store) => {
    const app = appForSuite({
      onEsdbDouble: store === 'esdb',
      env: { GDAP_SCHEDULER_MAX_SLEEP_MS: '50' },
    });

    const contosoOn = async (token: string, asOf?: Date) => {
      const result = await app.gql(token, PAGE, { asOf });
      expect(result.errors).toBeUndefined();
      return (result.data.partnerRelationships as { partnerTenantId: string }[]).filter(
        (row) => row.partnerTenantId === 'contoso-partners',
      );
    };

    it('R12, R15, R17, R40, R43, R62, R67: listed from approval to termination, as GDAP, as reseller, and as GDAP again', async () => {
      const ann = await app.token(people.ann);
      const wes = await app.token(people.wes);
      const changes = await subscribe(wes);
      const id = await woodgroveRelationshipAskedFor(app, ann);
      expect(await contosoOn(wes)).toEqual([]); // asked for, not approved: no relationship yet

      app.clock.advance(HOUR);
      const approvedAt = app.clock.now();
      expect((await app.gql(wes, GDAP_MUTATIONS.APPROVE, { id })).errors).toBeUndefined();
      const gdapRow = {
        partnerTenantId: 'contoso-partners',
        partnerName: 'Contoso Partners',
        customerTenantId: 'woodgrove',
        relationshipType: 'GRANULAR_DELEGATED_ADMIN',
        since: approvedAt.toISOString(),
        relationshipActive: true,
        delegatedAdmin: { status: 'NONE', roles: [] },
        delegatedAdminRelationships: [{ id, status: 'active' }],
      };
      expect(await contosoOn(wes)).toEqual([expect.objectContaining(gdapRow)]);

      app.clock.advance(HOUR);
      const invitation = await app.gql(ann, INVITE);
      await app.gql(wes, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
      expect(await contosoOn(wes)).toEqual([
        expect.objectContaining({
          relationshipType: 'RESELLER',
          delegatedAdminRelationships: [{ id, status: 'active' }],
        }),
      ]);

      app.clock.advance(HOUR);
      expect((await app.gql(ann, END)).errors).toBeUndefined();
      expect(await contosoOn(wes)).toEqual([expect.objectContaining(gdapRow)]);
      // R17, R40: related through GDAP, the customer may ask about one of the partner's users.
      const aboutAnn = await app.gql(wes, ACCESS, { userId: 'ann' });
      expect(aboutAnn.data.effectiveAccess.userId).toBe('ann');
      expect(
        new Set(aboutAnn.data.effectiveAccess.capabilities.map((c: { role: string }) => c.role)),
      ).toEqual(new Set(['ADMIN_AGENT']));
      const aboutNobody = await app.gql(wes, ACCESS, { userId: 'nobody-at-contoso' });
      expect(aboutNobody.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      // R12: on the page, so known; it holds no DAP, so there is nothing to remove.
      const removal = await app.gql(wes, REMOVE_DAP);
      expect(removal.errors?.[0]?.extensions).toMatchObject({
        code: 'PRECONDITION_FAILED',
        rule: 'R12',
      });

      app.clock.advance(HOUR);
      const terminatedAfter = app.clock.now();
      expect((await app.gql(wes, GDAP_MUTATIONS.TERMINATE, { id })).errors).toBeUndefined();
      await app.app.get(GdapScheduler).runDue();
      await readModelsCaughtUp(app);
      expect(await contosoOn(wes)).toEqual([]);

      // R43: the page as it stood.
      expect(await contosoOn(wes, new Date(approvedAt.getTime() - 1))).toEqual([]);
      expect(await contosoOn(wes, new Date(approvedAt.getTime() + HOUR / 2))).toEqual([
        expect.objectContaining({
          ...gdapRow,
          delegatedAdminRelationships: [{ id, status: 'active' }],
        }),
      ]);
      expect(await contosoOn(wes, new Date(approvedAt.getTime() + HOUR * 1.5))).toEqual([
        expect.objectContaining({ relationshipType: 'RESELLER' }),
      ]);
      expect(await contosoOn(wes, new Date(terminatedAfter.getTime() - 1))).toEqual([
        expect.objectContaining({ relationshipType: 'GRANULAR_DELEGATED_ADMIN' }),
      ]);

      const gdapSince = approvedAt.toISOString();
      const resellerSince = new Date(approvedAt.getTime() + HOUR).toISOString();
      expect(await changes.until((row) => !row.relationshipActive)).toEqual(
        [
          [GDAP, true, gdapSince],
          ['RESELLER', true, resellerSince],
          [GDAP, true, gdapSince],
          [GDAP, false, gdapSince],
        ].map(([relationshipType, relationshipActive, since]) => ({
          partnerTenantId: 'contoso-partners',
          relationshipType,
          relationshipActive,
          since,
        })),
      );
    });

    it('R15, R43, R64, R67, R70: a relationship past its end is off the page before its expiry is recorded; leaving (once, as the page showed it), the row is the last relationships’', async () => {
      const otto = await app.token(people.otto);
      const wes = await app.token(people.wes);
      const changes = await subscribe(wes);
      const approved = async (duration: string) => {
        const created = await app.gql(otto, GDAP_MUTATIONS.CREATE, {
          input: {
            customerTenantId: 'woodgrove',
            displayName: `Other ${duration} ${app.clock.now().getTime()}`,
            duration,
            roles: [DIRECTORY_ROLES.USER_ADMINISTRATOR],
          },
        });
        const { id } = created.data.createDelegatedAdminRelationship;
        await app.gql(otto, GDAP_MUTATIONS.REQUEST, { id });
        expect((await app.gql(wes, GDAP_MUTATIONS.APPROVE, { id })).errors).toBeUndefined();
        return { id, at: app.clock.now() };
      };
      const otherOn = async (asOf?: Date) =>
        (await app.gql(wes, PAGE, { asOf })).data.partnerRelationships.filter(
          (row: { partnerTenantId: string }) => row.partnerTenantId === 'other-partners',
        );

      const first = await approved('P1D');
      expect(await otherOn()).toEqual([expect.objectContaining({ relationshipType: GDAP })]);
      // R43: a moment after now reads as now (no forecast: it could be extended meanwhile).
      expect(await otherOn(new Date(first.at.getTime() + 2 * DAY))).toEqual(await otherOn());
      app.clock.advance(2 * DAY);
      expect(await otherOn()).toEqual([]); // its expiry not recorded yet
      await app.app.get(GdapScheduler).runDue();
      await readModelsCaughtUp(app);

      app.clock.advance(HOUR);
      const second = await approved('P30D');
      expect(
        (await app.gql(wes, GDAP_MUTATIONS.TERMINATE, { id: second.id })).errors,
      ).toBeUndefined();
      await app.app.get(GdapScheduler).runDue();

      // R70: one revocation ends two relationships at once: the partner leaves the page once.
      app.clock.advance(HOUR);
      const third = await approved('P90D');
      app.clock.advance(HOUR);
      await approved('P90D');
      expect((await app.gql(wes, REVOKE)).errors).toBeUndefined();
      const other = (
        await changes.until(
          (row) => row.since === third.at.toISOString() && !row.relationshipActive,
        )
      ).filter((row) => row.partnerTenantId === 'other-partners');
      expect(other.map((row) => [row.relationshipActive, row.since])).toEqual([
        [true, first.at.toISOString()],
        [false, first.at.toISOString()],
        [true, second.at.toISOString()],
        [false, second.at.toISOString()],
        [true, third.at.toISOString()],
        // The fourth relationship created, sent for approval, approved: each changes the row's
        // relationships, which the customer sees (R11), while the third keeps the partner on.
        [true, third.at.toISOString()],
        [true, third.at.toISOString()],
        [true, third.at.toISOString()],
        [false, third.at.toISOString()],
      ]);
    });

    interface Change {
      partnerTenantId: string;
      relationshipType: string;
      relationshipActive: boolean;
      since: string;
    }

    /** The customer's partnerRelationshipsChanged messages, until one satisfies `last`. */
    async function subscribe(token: string) {
      let connected = () => undefined as void;
      const client = createClient({
        url: `${app.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        on: { connected: () => connected() },
      });
      const received: Change[] = [];
      let wake = () => undefined as void;
      client.subscribe<{ partnerRelationshipsChanged: Change }>(
        { query: CHANGED },
        {
          next: (value) => {
            if (value.data) received.push(value.data.partnerRelationshipsChanged);
            wake();
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
      await new Promise<void>((resolve) => (connected = resolve));
      await new Promise((resolve) => setTimeout(resolve, 200)); // the server has taken the subscribe message
      return {
        async until(last: (change: Change) => boolean): Promise<Change[]> {
          const deadline = Date.now() + 10_000;
          while (!received.some(last) && Date.now() < deadline) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              setTimeout(resolve, 100);
            });
          }
          await new Promise((resolve) => setTimeout(resolve, 200)); // and nothing more follows
          await client.dispose();
          return received;
        },
      };
    }
  },
);
