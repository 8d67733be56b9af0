import {
  auditScopeOf,
  inAuditScope,
  matchesAuditFilter,
} from '../../src/audit/domain/audit-visibility';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store';
import { PROJECTOR, type Projector } from '../../src/platform/projection-engine/projector';
import { actorOf, append, eventBy, eventData as d, minute } from '../support/audit-events';
import { removeDataDir, startApp, type TestApp } from '../support/app';
import { people } from '../support/tenants';
import { millisecondRange, parseIsoDateTime } from '../../src/platform/common/date-time';
import type { TokenClaims } from '../../src/platform/auth/token-claims';

const AUDIT = `query ($filter: AuditFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount
    nodes { position occurredAt type streamId actor { userId name tenantId tenantKind roles }
            partnerTenantId customerTenantId correlationId summary data }
    pageInfo { hasNextPage endCursor }
  }
}`;

const pete: TokenClaims = { ...people.ann, sub: 'pete', name: 'Pete', roles: [] };
const oscar: TokenClaims = { ...people.opal, sub: 'oscar', name: 'Oscar', roles: [] };

const [ann, sam, hal, otto, fay, wes] = [
  people.ann,
  people.sam,
  people.hal,
  people.otto,
  people.fay,
  people.wes,
].map(actorOf);

const [C, O, F, W] = ['contoso-partners', 'other-partners', 'fabrikam', 'woodgrove'];
const DAP_CF = 'dapgrant-contoso-partners_fabrikam';

/** The scripted history, in order: event n happens at minute n. */
const ACCEPTANCE: readonly string[] = ['e2', 'e3', 'e4'];
const ACCEPTANCE_REQUEST = 'accept-i1';

const SCRIPT = (
  [
    ['e1', ann, 'invitation-i1', 'InvitationCreated', d.invitationCreated('i1', C, F)],
    ['e2', fay, 'invitation-i1', 'InvitationAccepted', d.invitationAccepted('i1', C, F)],
    [
      'e3',
      fay,
      `relationship-${C}_${F}`,
      'RelationshipEstablished',
      d.relationshipEstablished('i1', C, F),
    ],
    ['e4', fay, DAP_CF, 'DelegatedAdminGranted', d.delegatedAdminGranted('i1', C, F)],
    ['e5', hal, DAP_CF, 'ServiceRequestOpened', d.serviceRequestOpened(C, F, 'Mailbox full')],
    ['e6', otto, 'invitation-i2', 'InvitationCreated', d.invitationCreated('i2', O, W, false)],
    ['e7', wes, 'invitation-i2', 'InvitationAccepted', d.invitationAccepted('i2', O, W, false)],
    [
      'e8',
      wes,
      `relationship-${O}_${W}`,
      'RelationshipEstablished',
      d.relationshipEstablished('i2', O, W),
    ],
    ['e9', sam, 'invitation-i3', 'InvitationCreated', d.invitationCreated('i3', C, null)],
    ['e10', fay, DAP_CF, 'DelegatedAdminRemoved', d.delegatedAdminRemoved(C, F)],
    ['e11', sam, 'invitation-i3', 'InvitationEmailEdited', d.invitationEmailEdited('i3')],
    ['e12', otto, 'invitation-i4', 'InvitationCreated', d.invitationCreated('i4', O, F)],
    [
      'e13',
      wes,
      'subscription-s1',
      'AzureSubscriptionRegistered',
      d.azureSubscriptionRegistered('s1', W),
    ],
  ] as const
).map(([label, actor, streamId, type, data], index) => {
  const event = eventBy(actor, type, data, minute(index + 1));
  // e2 to e4: one request, Fay's acceptance (R41: its events share its correlation id).
  if (ACCEPTANCE.includes(label)) event.metadata.correlationId = ACCEPTANCE_REQUEST;
  return { label, streamId, event };
});

const ALL = SCRIPT.map(({ label }) => label);
const CONTOSO = ['e1', 'e5', 'e9', 'e11'];

/** R42, written out by hand: which entries each caller may read; null = FORBIDDEN. */
const VISIBLE: [string, TokenClaims, string[] | null][] = [
  ['a partner AdminAgent', people.ann, CONTOSO],
  ['a partner SalesAgent', people.sam, CONTOSO],
  ['a partner HelpdeskAgent', people.hal, CONTOSO],
  ['another partner’s AdminAgent', people.otto, ['e6', 'e12']],
  ['a partner user without a partner role', pete, null],
  ['a customer GlobalAdmin', people.fay, ['e1', 'e2', 'e3', 'e4', 'e5', 'e10', 'e12']],
  ['another customer’s GlobalAdmin', people.wes, ['e6', 'e7', 'e8', 'e13']],
  ['a customer user without GlobalAdmin', people.fred, null],
  ['the Operator', people.opal, ALL],
  ['an operator-tenant user without the Operator role', oscar, null],
];

/** Which entries each filter matches, whoever asks. */
const FILTERS: [string, Record<string, unknown>, string[]][] = [
  ['no filter', {}, ALL],
  [
    'customerTenantId',
    { customerTenantId: 'fabrikam' },
    ['e1', 'e2', 'e3', 'e4', 'e5', 'e10', 'e12'],
  ],
  ['partnerTenantId', { partnerTenantId: 'other-partners' }, ['e6', 'e7', 'e8', 'e12']],
  ['actorUserId', { actorUserId: 'fay' }, ['e2', 'e3', 'e4', 'e10']],
  [
    'eventTypes',
    { eventTypes: ['InvitationCreated', 'InvitationEmailEdited'] },
    ['e1', 'e6', 'e9', 'e11', 'e12'],
  ],
  ['from and to', { from: minute(5), to: minute(10) }, ['e5', 'e6', 'e7', 'e8', 'e9']],
  // Entries are timed to the millisecond: a bound between two takes the later one.
  [
    'from and to between milliseconds',
    { from: '2025-03-01T09:05:00.0001Z', to: '2025-03-01T09:10:00.0001Z' },
    ['e6', 'e7', 'e8', 'e9', 'e10'],
  ],
  ['correlationId (one request)', { correlationId: ACCEPTANCE_REQUEST }, [...ACCEPTANCE]],
  [
    'customer and event type together',
    { customerTenantId: 'fabrikam', eventTypes: ['InvitationCreated'] },
    ['e1', 'e12'],
  ],
];

describe('the audit log over GraphQL', () => {
  let app: TestApp;
  let store: EventStore;
  let engine: Projector;
  const labelAt = new Map<number, string>();

  const appendAndProject = async (streamId: string, event: Parameters<typeof append>[2]) => {
    const position = await append(store, streamId, event);
    await engine.waitFor(position, 5000);
    return position;
  };

  beforeAll(async () => {
    // Written before the app starts, consistent with itself (each acceptance already has its
    // follow-ups), so nothing reacts to it: the log holds exactly the script.
    const dataDir = mkdtempSync(join(tmpdir(), 'audit-log-'));
    const scripted = new SqliteEventStore(join(dataDir, 'events.db'));
    for (const { label, streamId, event } of SCRIPT) {
      labelAt.set(await append(scripted, streamId, event), label);
    }
    await scripted.close();
    app = await startApp({ dataDir });
    store = app.app.get<EventStore>(EVENT_STORE);
    engine = app.app.get<Projector>(PROJECTOR);
  });
  afterAll(async () => {
    await app.close();
    removeDataDir(app.dataDir);
  });

  const labels = (nodes: { position: number }[]) =>
    nodes.map((node) => labelAt.get(node.position) ?? `new@${node.position}`);

  describe.each(VISIBLE)('R42: %s', (_who, claims, visible) => {
    it.each(FILTERS)(
      'R42: with %s reads exactly the entries it may',
      async (_f, filter, matching) => {
        const answer = await app.gql(await app.token(claims), AUDIT, { filter, first: 500 });
        if (visible === null) {
          expect(answer.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R42' });
          expect(() => auditScopeOf(actorOf(claims))).toThrow();
          return;
        }
        const expected = ALL.filter((l) => visible.includes(l) && matching.includes(l)).reverse();
        expect(labels(answer.data.auditLog.nodes)).toEqual(expected);
        expect(answer.data.auditLog.totalCount).toBe(expected.length);

        // The live subscription filters entries in memory with the same rule: it must agree.
        const everything = await app.gql(await app.token(people.opal), AUDIT, { first: 500 });
        const scope = auditScopeOf(actorOf(claims));
        const criteria = millisecondRange({
          ...filter,
          from: parseIsoDateTime(filter.from),
          to: parseIsoDateTime(filter.to),
        })!;
        const inMemory = everything.data.auditLog.nodes.filter((node: any) => {
          const facts = {
            type: node.type,
            occurredAt: node.occurredAt,
            actorUserId: node.actor.userId,
            actorTenantId: node.actor.tenantId,
            actorTenantKind: node.actor.tenantKind,
            partnerTenantId: node.partnerTenantId,
            customerTenantId: node.customerTenantId,
            correlationId: node.correlationId,
          };
          return inAuditScope(scope, facts) && matchesAuditFilter(criteria, facts);
        });
        expect(labels(inMemory)).toEqual(expected);
      },
    );
  });

  it('R41: each entry says who, on whose behalf, when, what, in which request, with the data', async () => {
    const answer = await app.gql(await app.token(people.fay), AUDIT, {
      filter: { eventTypes: ['DelegatedAdminRemoved'] },
    });
    const { event } = SCRIPT[9];
    expect(answer.data.auditLog.nodes).toEqual([
      {
        position: [...labelAt].find(([, label]) => label === 'e10')?.[0],
        occurredAt: minute(10),
        type: 'DelegatedAdminRemoved',
        streamId: 'dapgrant-contoso-partners_fabrikam',
        actor: {
          userId: 'fay',
          name: 'Fay',
          tenantId: 'fabrikam',
          tenantKind: 'customer',
          roles: ['GlobalAdmin'],
        },
        partnerTenantId: 'contoso-partners',
        customerTenantId: 'fabrikam',
        correlationId: event.metadata.correlationId,
        summary: 'Fay (Fabrikam, GlobalAdmin) removed DAP of Contoso Partners',
        data: event.data,
      },
    ]);
  });

  it('R41: summaries are one human line, named from event data and actor metadata', async () => {
    const answer = await app.gql(await app.token(people.opal), AUDIT, { first: 500 });
    const summaries = answer.data.auditLog.nodes.map((node: { summary: string }) => node.summary);
    expect(summaries.reverse()).toEqual([
      'Ann (Contoso Partners, AdminAgent) invited fabrikam to a reseller relationship with DAP',
      'Fay (Fabrikam, GlobalAdmin) accepted the reseller invitation of Contoso Partners with DAP',
      'Fay (Fabrikam, GlobalAdmin) established the reseller relationship between Contoso Partners and Fabrikam',
      'Fay (Fabrikam, GlobalAdmin) granted DAP (Global Administrator, Helpdesk Administrator) to Contoso Partners',
      'Hal (Contoso Partners, HelpdeskAgent) opened service request "Mailbox full" for Fabrikam',
      'Otto (Other Partners, AdminAgent) invited woodgrove to a reseller relationship without DAP',
      'Wes (Woodgrove, GlobalAdmin) accepted the reseller invitation of Other Partners without DAP',
      'Wes (Woodgrove, GlobalAdmin) established the reseller relationship between Other Partners and Woodgrove',
      'Sam (Contoso Partners, SalesAgent) invited a customer to a reseller relationship with DAP',
      'Fay (Fabrikam, GlobalAdmin) removed DAP of Contoso Partners',
      'Sam (Contoso Partners, SalesAgent) edited the email of invitation i3',
      // Fabrikam never let Other Partners in: its name, learnt from Fay's token, is not told (R17).
      'Otto (Other Partners, AdminAgent) invited fabrikam to a reseller relationship with DAP',
      'Wes (Woodgrove, GlobalAdmin) registered Azure subscription "Production" in Woodgrove',
    ]);
  });

  it('an event type without a summary still gets a readable line', async () => {
    const position = await appendAndProject(
      'devicewipe-d1',
      eventBy(
        ann,
        'AutopilotDeviceWiped',
        { customerTenantId: 'fabrikam', partnerTenantId: 'contoso-partners', deviceId: 'd1' },
        minute(14),
      ),
    );
    const answer = await app.gql(await app.token(people.fay), AUDIT, { first: 1 });
    expect(answer.data.auditLog.nodes[0]).toMatchObject({
      position,
      summary: 'Ann (Contoso Partners, AdminAgent): autopilot device wiped for Fabrikam',
    });
  });

  it('pages newest first lose and repeat nothing while events are appended between page calls', async () => {
    const opal = await app.token(people.opal);
    const before = (await app.gql(opal, AUDIT, { first: 500 })).data.auditLog.nodes.map(
      (node: { position: number }) => node.position,
    );
    const seen: number[] = [];
    let after: string | null = null;
    let appended = 0;
    do {
      const page: any = (await app.gql(opal, AUDIT, { first: 3, after })).data.auditLog;
      seen.push(...page.nodes.map((node: { position: number }) => node.position));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      await appendAndProject(
        'dapgrant-contoso-partners_fabrikam',
        eventBy(
          hal,
          'ServiceRequestOpened',
          d.serviceRequestOpened('contoso-partners', 'fabrikam', `between pages ${++appended}`),
          minute(20 + appended),
        ),
      );
    } while (after);
    expect(appended).toBeGreaterThan(3);
    expect(seen).toEqual(before);

    const fresh = (await app.gql(opal, AUDIT, { first: appended })).data.auditLog;
    expect(fresh.nodes.map((node: { summary: string }) => node.summary)).toEqual(
      Array.from(
        { length: appended },
        (_, n) =>
          `Hal (Contoso Partners, HelpdeskAgent) opened service request "between pages ${appended - n}" for Fabrikam`,
      ),
    );
    expect(fresh.totalCount).toBe(before.length + appended);
  });

  it('refuses a page size over 500, a foreign cursor, an empty time range, an empty id and an empty list of types with INVALID_INPUT', async () => {
    const opal = await app.token(people.opal);
    for (const variables of [
      { first: 501 },
      { after: 'not-a-cursor' },
      { filter: { from: minute(5), to: minute(5) } },
      // An empty id is no id, not "any": refused rather than read as no filter.
      { filter: { customerTenantId: '' } },
      { filter: { partnerTenantId: '' } },
      { filter: { actorUserId: '' } },
      { filter: { correlationId: '' } },
      { filter: { eventTypes: [] } },
    ]) {
      expect((await app.gql(opal, AUDIT, variables)).errors?.[0].extensions?.code).toBe(
        'INVALID_INPUT',
      );
    }
  });
});
