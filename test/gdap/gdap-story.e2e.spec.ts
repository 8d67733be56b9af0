import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { GdapScheduler } from '../../src/gdap/gdap-scheduler';
import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { removeDataDir, startApp, type TestApp } from '../support/app';
import { people } from '../support/tenants';
import { csvObjects } from '../support/csv';

const DAY = 86_400_000;
const FIELDS = `id displayName status endDateTime autoExtendDuration approvalUrl
  roles { roleTemplateId displayName } accessAssignments { id securityGroupId status roles { displayName } }`;
const CREATE = `mutation ($input: CreateDelegatedAdminRelationshipInput!) { createDelegatedAdminRelationship(input: $input) { ${FIELDS} } }`;
const REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { ${FIELDS} emailDraft { body } } }`;
const APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { ${FIELDS} } }`;
const ASSIGN = `mutation ($input: CreateDelegatedAdminAccessAssignmentInput!) { createDelegatedAdminAccessAssignment(input: $input) { ${FIELDS} } }`;
const LIST = `query ($filter: DelegatedAdminRelationshipFilter) { delegatedAdminRelationships(filter: $filter) { nodes { ${FIELDS} } pageInfo { hasNextPage } } }`;
const EXPIRING = `query ($asOf: DateTime) { expiringDelegatedAdminRelationships(asOf: $asOf) { within30Days { id } within7Days { id } within1Day { id } } }`;
// Without DAP, so what Hal (a Helpdesk Agent) may do comes from GDAP alone (R14 gives him the portals with DAP).
const INVITE = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: false, customerTenantId: "fabrikam" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const CUSTOMER = `{ customer(tenantId: "fabrikam") { services { name usable rule reason } delegatedAdminRelationships { id status endDateTime autoExtendDuration roles { displayName } }
  gdapAccess { securityGroupId roles { displayName } relationshipId relationshipName assignmentId endDateTime } } }`;
const PAGES_AS_OF = `query ($asOf: DateTime) {
  customers(asOf: $asOf) { nodes { tenantId delegatedAdminRelationships { id status endDateTime } } }
}`;
const FAYS_GDAP_ACCESS = `query ($asOf: DateTime) { partnerRelationships(asOf: $asOf) { partnerTenantId
  gdapAccess { securityGroupId roles { displayName } relationshipId relationshipName assignmentId endDateTime } } }`;
const PARTNER_PAGE_AS_OF = `query ($asOf: DateTime) { partnerRelationships(asOf: $asOf) { partnerTenantId delegatedAdminRelationships { id status approvalUrl } } }`;
const TERMINATE = `mutation ($id: ID!) { terminateDelegatedAdminRelationship(input: { relationshipId: $id }) { ${FIELDS} } }`;
const CSV = `{ customersCsv { csv } }`;
const ACCESS = `query ($role: PartnerRole) { effectiveAccess(partnerTenantId: "contoso-partners", customerTenantId: "fabrikam", role: $role) { capabilities { role action allowed reason rule } } }`;

const { USER_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR } = DIRECTORY_ROLES;

/** R60–R69 end to end: created to expired, with the test's clock and the product's scheduler. */
describe.each(['sqlite', 'esdb'] as const)('GDAP from creation to expiry (%s)', (store) => {
  let app: TestApp;
  let ann: string;
  let fay: string;
  let hal: string;
  let stopDouble: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const env: Record<string, string> = { GDAP_SCHEDULER_MAX_SLEEP_MS: '50' };
    if (store === 'esdb') {
      const { EsdbDouble } = await import('../support/esdb-double/esdb-double');
      const double = await EsdbDouble.start();
      stopDouble = () => double.stop();
      env.EVENTSTORE_URL = double.url;
    }
    app = await startApp({ env });
    ann = await app.token(people.ann);
    fay = await app.token(people.fay);
    hal = await app.token(people.hal);
    const invitation = await app.gql(ann, INVITE);
    await app.gql(fay, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
  });
  afterAll(async () => {
    await app.close();
    await stopDouble?.();
    removeDataDir(app.dataDir);
  });

  /** The scheduler's pass for the current (manual) time, as its timer would run it. */
  const tick = () => app.app.get(GdapScheduler).runDue();
  /** Polls until `read` satisfies `check` (the read models follow the appends), up to 10 s. */
  async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
    const until = Date.now() + 10_000;
    for (;;) {
      const value = await read();
      if (check(value) || Date.now() > until) return value;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  /** The recorded events of `type` of the relationship `id`, from the partner's GDAP stream. */
  const recordedOf = async (id: string, type: string) =>
    (await app.app.get<EventStore>(EVENT_STORE).readStream('gdap-contoso-partners')).filter(
      (event) =>
        event.type === type && (event.data as { relationshipId: string }).relationshipId === id,
    );
  const list = async (token: string) =>
    (await app.gql(token, LIST)).data.delegatedAdminRelationships.nodes;
  /** The Microsoft 365 portal on Hal's (a Helpdesk Agent's) Customers page, and the GDAP column. */
  const halsPage = async () => {
    const { customer } = (await app.gql(hal, CUSTOMER)).data;
    return {
      portal: customer.services.find((s: { name: string }) => s.name === 'Microsoft 365'),
      relationships: customer.delegatedAdminRelationships,
      gdapAccess: customer.gdapAccess,
    };
  };
  /** Fabrikam's line of the partner's Customers page as CSV (customersCsv), by column name. */
  const fabrikamCsv = async () =>
    csvObjects((await app.gql(ann, CSV)).data.customersCsv.csv).find(
      (row) => row.tenantId === 'fabrikam',
    );
  /** What Fay's Partner relationships page says Contoso's groups hold through GDAP (R11, R67). */
  const faysGdapAccess = async (asOf?: Date) =>
    (await app.gql(fay, FAYS_GDAP_ACCESS, { asOf })).data.partnerRelationships.find(
      (row: { partnerTenantId: string }) => row.partnerTenantId === 'contoso-partners',
    ).gdapAccess;
  const helpdeskActions = async () =>
    (await app.gql(ann, ACCESS, { role: 'HELPDESK_AGENT' })).data.effectiveAccess.capabilities.find(
      (c: { action: string }) => c.action === 'MANAGE_DIRECTORY',
    );

  it('R60–R63, R66, R67, R69, R11, R43: create, approve, assign, expire; access follows on both sides', async () => {
    const created = await app.gql(ann, CREATE, {
      input: {
        customerTenantId: 'fabrikam',
        displayName: 'Fabrikam helpdesk',
        duration: 'P60D',
        roles: [USER_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR],
      },
    });
    expect(created.errors).toBeUndefined();
    const relationship = created.data.createDelegatedAdminRelationship;
    expect(relationship).toMatchObject({ status: 'created', autoExtendDuration: 'PT0S' });

    const duplicate = await app.gql(ann, CREATE, {
      input: {
        customerTenantId: 'northwind',
        displayName: 'fabrikam HELPDESK',
        duration: 'P1D',
        roles: [USER_ADMINISTRATOR],
      },
    });
    expect(duplicate.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', rule: 'R60' });

    const requested = await app.gql(ann, REQUEST, { id: relationship.id });
    expect(requested.data.requestDelegatedAdminRelationshipApproval.status).toBe('approvalPending');
    expect(requested.data.requestDelegatedAdminRelationshipApproval.emailDraft.body).toContain(
      requested.data.requestDelegatedAdminRelationshipApproval.approvalUrl,
    );

    // The customer sees it without the partner's draft (R17).
    const seenByFay = await list(fay);
    expect(seenByFay).toEqual([
      expect.objectContaining({ id: relationship.id, approvalUrl: null }),
    ]);

    const approved = await app.gql(fay, APPROVE, { id: relationship.id });
    expect(approved.data.approveDelegatedAdminRelationship.status).toBe('active');

    expect(await helpdeskActions()).toMatchObject({ allowed: false });
    expect((await halsPage()).portal).toMatchObject({ usable: false, rule: 'R14' });
    const assigned = await app.gql(ann, ASSIGN, {
      input: {
        relationshipId: relationship.id,
        securityGroupId: 'HELPDESK_AGENTS',
        roleTemplateIds: [USER_ADMINISTRATOR.roleTemplateId],
      },
    });
    expect(assigned.errors).toBeUndefined();
    await tick();
    const [afterAssign] = await eventually(
      () => list(ann),
      ([row]) => row.accessAssignments[0]?.status === 'active',
    );
    expect(afterAssign.accessAssignments).toEqual([
      expect.objectContaining({ securityGroupId: 'HELPDESK_AGENTS', status: 'active' }),
    ]);
    const granted = await helpdeskActions();
    expect(granted).toMatchObject({ allowed: true, rule: 'R67' });
    expect(granted.reason).toContain('Fabrikam helpdesk');
    expect(granted.reason).toContain(afterAssign.accessAssignments[0].id);
    const page = await halsPage();
    expect(page.portal).toMatchObject({ usable: true, rule: 'R67' });
    expect(page.relationships).toEqual([
      expect.objectContaining({
        id: relationship.id,
        status: 'active',
        autoExtendDuration: 'PT0S',
      }),
    ]);
    expect(page.gdapAccess).toEqual([
      {
        securityGroupId: 'HELPDESK_AGENTS',
        roles: [{ displayName: 'User Administrator' }],
        relationshipId: relationship.id,
        relationshipName: 'Fabrikam helpdesk',
        assignmentId: afterAssign.accessAssignments[0].id,
        endDateTime: page.relationships[0].endDateTime,
      },
    ]);
    expect(await fabrikamCsv()).toMatchObject({
      gdapAccess: 'HELPDESK_AGENTS: User Administrator',
      gdapAccessEnds: page.relationships[0].endDateTime,
    });
    // The customer's page says the same of its tenant (R11: where delegated roles are seen).
    expect(await faysGdapAccess()).toEqual(page.gdapAccess);
    const grantedAt = app.clock.now();

    app.clock.advance(31 * DAY);
    await tick();
    expect(
      (
        await eventually(
          () => list(ann),
          ([row]) => row.status === 'expiring',
        )
      )[0].status,
    ).toBe('expiring');
    const expiring = (await app.gql(ann, EXPIRING)).data.expiringDelegatedAdminRelationships;
    expect(expiring.within30Days).toEqual([{ id: relationship.id }]);
    expect(expiring.within7Days).toEqual([]);

    app.clock.advance(29 * DAY);
    // Past its end, the grant is gone before the scheduler has recorded anything (R67).
    expect(await helpdeskActions()).toMatchObject({ allowed: false });
    expect(await fabrikamCsv()).toMatchObject({ gdapAccess: '', gdapAccessEnds: '' });
    expect((await halsPage()).gdapAccess).toEqual([]);
    await tick();
    const [expired] = await eventually(
      () => list(ann),
      ([row]) => row.status === 'expired',
    );
    expect(expired.status).toBe('expired');
    expect(expired.accessAssignments[0].status).toBe('deleted');
    expect((await halsPage()).portal).toMatchObject({ usable: false });
    expect(await faysGdapAccess()).toEqual([]);
    expect(await faysGdapAccess(grantedAt)).toEqual([
      expect.objectContaining({
        securityGroupId: 'HELPDESK_AGENTS',
        relationshipId: relationship.id,
      }),
    ]);

    // Recorded once: another pass finds nothing to do.
    await tick();
    const recorded = await app.app.get<EventStore>(EVENT_STORE).readStream('gdap-contoso-partners');
    expect(
      recorded.filter((event) => event.type === 'DelegatedAdminRelationshipExpired'),
    ).toHaveLength(1);
  });

  it('R63, R69, R43: the expiring lists at 30, 7 and 1 days, auto-extended instead of expired; both pages asOf', async () => {
    const created = await app.gql(ann, CREATE, {
      input: {
        customerTenantId: 'fabrikam',
        displayName: 'Fabrikam extended',
        duration: 'P60D',
        roles: [USER_ADMINISTRATOR],
        autoExtendDuration: 'P180D',
      },
    });
    const { id } = created.data.createDelegatedAdminRelationship;
    await app.gql(ann, REQUEST, { id });
    const approved = await app.gql(fay, APPROVE, { id });
    const end = new Date(approved.data.approveDelegatedAdminRelationship.endDateTime);
    await app.gql(ann, ASSIGN, {
      input: {
        relationshipId: id,
        securityGroupId: 'HELPDESK_AGENTS',
        roleTemplateIds: [USER_ADMINISTRATOR.roleTemplateId],
      },
    });
    const mine = async () => (await list(ann)).find((row: { id: string }) => row.id === id);
    const lists = async (asOf?: Date) => {
      const { within30Days, within7Days, within1Day } = (await app.gql(ann, EXPIRING, { asOf }))
        .data.expiringDelegatedAdminRelationships;
      const has = (rows: { id: string }[]) => rows.some((row) => row.id === id);
      return [has(within30Days), has(within7Days), has(within1Day)];
    };
    expect(await lists()).toEqual([false, false, false]);
    // asOf: the lists as they read at a moment the test names (R43).
    expect(await lists(new Date(end.getTime() - 20 * DAY))).toEqual([true, false, false]);

    app.clock.advance(31 * DAY); // 29 days left: expiring
    await tick();
    await eventually(mine, (row) => row.status === 'expiring');
    expect(await lists()).toEqual([true, false, false]);
    app.clock.advance(23 * DAY); // 6 days left
    expect(await lists()).toEqual([true, true, false]);
    app.clock.advance(5.5 * DAY); // half a day left
    expect(await lists()).toEqual([true, true, true]);

    app.clock.advance(DAY); // past the end: extended by 180 days, active again
    await tick();
    const extended = await eventually(mine, (row) => row.status === 'active');
    expect(extended).toMatchObject({ status: 'active', autoExtendDuration: 'P180D' });
    expect(new Date(extended.endDateTime).getTime()).toBe(end.getTime() + 180 * DAY);
    expect(extended.accessAssignments).toEqual([
      expect.objectContaining({ securityGroupId: 'HELPDESK_AGENTS', status: 'active' }),
    ]);
    expect(await lists()).toEqual([false, false, false]);
    // asOf reads the relationship as it stood: five days before its first end it was ending soon.
    expect(await lists(new Date(end.getTime() - 5 * DAY))).toEqual([true, true, false]);
    expect(await helpdeskActions()).toMatchObject({ allowed: true, rule: 'R67' });

    await tick();
    expect(await recordedOf(id, 'DelegatedAdminRelationshipAutoExtended')).toHaveLength(1);
    expect(await recordedOf(id, 'DelegatedAdminRelationshipExpired')).toHaveLength(0);

    // R43: both pages show the GDAP relationships as they stood at asOf.
    const statusAt = async (asOf?: Date) => {
      const customers = (await app.gql(ann, PAGES_AS_OF, { asOf })).data.customers.nodes;
      const partners = (await app.gql(fay, PARTNER_PAGE_AS_OF, { asOf })).data.partnerRelationships;
      const onCustomers = customers[0].delegatedAdminRelationships.find(
        (row: { id: string }) => row.id === id,
      );
      const onPartners = partners[0].delegatedAdminRelationships.find(
        (row: { id: string }) => row.id === id,
      );
      expect(onPartners?.approvalUrl ?? null).toBeNull(); // the partner's draft stays the partner's
      expect(onPartners?.status).toBe(onCustomers?.status);
      return onCustomers?.status ?? 'absent';
    };
    expect(await statusAt()).toBe('active');
    expect(await statusAt(new Date(end.getTime() - 61 * DAY))).toBe('absent');
    expect(await statusAt(new Date(end.getTime() - 40 * DAY))).toBe('active');
    expect(await statusAt(new Date(end.getTime() - 10 * DAY))).toBe('expiring');
  });

  /** What Sales Agents may do: nothing from DAP (R14), so only what these relationships give. */
  const salesActions = async () =>
    (await app.gql(ann, ACCESS, { role: 'SALES_AGENT' })).data.effectiveAccess.capabilities.find(
      (c: { action: string }) => c.action === 'MANAGE_DIRECTORY',
    );

  /** Created, approval requested and approved now; SALES_AGENTS assigned User Administrator. */
  async function activeAndAssigned(displayName: string): Promise<string> {
    const created = await app.gql(ann, CREATE, {
      input: {
        customerTenantId: 'fabrikam',
        displayName,
        duration: 'P90D',
        roles: [USER_ADMINISTRATOR],
      },
    });
    const { id } = created.data.createDelegatedAdminRelationship;
    await app.gql(ann, REQUEST, { id });
    expect((await app.gql(fay, APPROVE, { id })).errors).toBeUndefined();
    const assigned = await app.gql(ann, ASSIGN, {
      input: {
        relationshipId: id,
        securityGroupId: 'SALES_AGENTS',
        roleTemplateIds: [USER_ADMINISTRATOR.roleTemplateId],
      },
    });
    expect(assigned.errors).toBeUndefined();
    await tick();
    await eventually(
      async () => (await list(ann)).find((row: { id: string }) => row.id === id),
      (row) => row?.accessAssignments[0]?.status === 'active',
    );
    return id;
  }

  it('R62, R69: an approval request lapses after 90 days and can no longer be approved', async () => {
    const created = await app.gql(ann, CREATE, {
      input: {
        customerTenantId: 'fabrikam',
        displayName: 'Fabrikam never approved',
        duration: 'P30D',
        roles: [USER_ADMINISTRATOR],
      },
    });
    const { id } = created.data.createDelegatedAdminRelationship;
    await app.gql(ann, REQUEST, { id });
    const mine = async () => (await list(fay)).find((row: { id: string }) => row.id === id);

    app.clock.advance(89 * DAY);
    await tick();
    expect((await mine()).status).toBe('approvalPending');

    app.clock.advance(DAY);
    // Lapsed the moment 90 days are up, whether or not the scheduler has recorded it yet.
    const late = await app.gql(fay, APPROVE, { id });
    expect(late.errors?.[0].extensions).toMatchObject({
      code: 'PRECONDITION_FAILED',
      rule: 'R62',
    });
    await tick();
    expect((await eventually(mine, (row) => row.status === 'expired')).status).toBe('expired');
    const again = await app.gql(fay, APPROVE, { id });
    expect(again.errors?.[0].extensions).toMatchObject({
      code: 'PRECONDITION_FAILED',
      rule: 'R62',
    });

    await tick();
    expect(await recordedOf(id, 'DelegatedAdminRelationshipApprovalExpired')).toHaveLength(1);
    expect(await recordedOf(id, 'DelegatedAdminRelationshipApproved')).toHaveLength(0);
  });

  it.each([
    ['the partner', 'PARTNER'],
    ['the customer', 'CUSTOMER'],
  ] as const)(
    'R64, R67, R69: terminated by %s: nothing granted from the request on, finished by the scheduler',
    async (_side, side) => {
      const id = await activeAndAssigned(`Fabrikam ended by ${side.toLowerCase()}`);
      expect(await salesActions()).toMatchObject({ allowed: true, rule: 'R67' });

      const terminated = await app.gql(side === 'PARTNER' ? ann : fay, TERMINATE, { id });
      expect(terminated.errors).toBeUndefined();
      // The scheduler, woken by the command, may have finished it already (R69).
      expect(['terminationRequested', 'terminated']).toContain(
        terminated.data.terminateDelegatedAdminRelationship.status,
      );
      // From the request on it grants nothing (R64), finished or not.
      expect(await salesActions()).toMatchObject({ allowed: false });

      await tick();
      const mine = async () => (await list(ann)).find((row: { id: string }) => row.id === id);
      const ended = await eventually(mine, (row) => row.status === 'terminated');
      expect(ended.status).toBe('terminated');
      expect(ended.accessAssignments).toEqual([
        expect.objectContaining({ securityGroupId: 'SALES_AGENTS', status: 'deleted' }),
      ]);
      const refused = await app.gql(fay, TERMINATE, { id });
      expect(refused.errors?.[0].extensions).toMatchObject({
        code: 'PRECONDITION_FAILED',
        rule: 'R64',
      });

      expect(await recordedOf(id, 'DelegatedAdminRelationshipTerminationRequested')).toEqual([
        expect.objectContaining({ data: expect.objectContaining({ requestedBy: side }) }),
      ]);
      expect(await recordedOf(id, 'DelegatedAdminRelationshipTerminated')).toHaveLength(1);
    },
  );

  const PAGE = `query ($filter: DelegatedAdminRelationshipFilter, $after: String) {
      delegatedAdminRelationships(filter: $filter, first: 2, after: $after) {
        totalCount edges { cursor node { id status } } pageInfo { hasNextPage endCursor }
      }
    }`;
  interface RelationshipPage {
    totalCount: number;
    edges: { cursor: string; node: { id: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  }
  const pageOf = async (
    token: string,
    filter: Record<string, string> | undefined,
    after: string | null,
  ): Promise<RelationshipPage> => {
    const answer = await app.gql(token, PAGE, { filter, after });
    expect(answer.errors).toBeUndefined();
    return answer.data.delegatedAdminRelationships;
  };
  const walk = async (token: string, filter?: Record<string, string>) => {
    const ids: string[] = [];
    const totals = new Set<number>();
    for (let after: string | null = null; ;) {
      const { totalCount, edges, pageInfo } = await pageOf(token, filter, after);
      totals.add(totalCount);
      ids.push(...edges.map((edge) => edge.node.id));
      expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
      if (!pageInfo.hasNextPage) return { ids, totals: [...totals] };
      after = pageInfo.endCursor;
    }
  };

  it('R17: delegatedAdminRelationships pages by cursor, and totalCount counts what its filter holds', async () => {
    const annsRows: { id: string; status: string }[] = await list(ann);
    const everyOne = annsRows.map((row) => row.id);
    expect(everyOne.length).toBeGreaterThan(2);
    expect(await walk(ann)).toEqual({ ids: everyOne, totals: [everyOne.length] });

    const terminated = annsRows.filter((row) => row.status === 'terminated').map((row) => row.id);
    expect(terminated.length).toBeGreaterThan(0);
    expect(await walk(ann, { status: 'terminated' })).toEqual({
      ids: terminated,
      totals: [terminated.length],
    });
    const fays = (await list(fay)).map((row: { id: string }) => row.id);
    expect(await walk(fay)).toEqual({ ids: fays, totals: [fays.length] });
  });

  it('R17: a filter naming another tenant in the caller’s own place matches none of its rows', async () => {
    const nothing = { ids: [], totals: [0] };
    expect(await walk(ann, { partnerTenantId: 'northwind-partners' })).toEqual(nothing);
    expect(await walk(fay, { customerTenantId: 'woodgrove' })).toEqual(nothing);
    expect((await walk(ann, { partnerTenantId: 'contoso-partners' })).ids.length).toBeGreaterThan(
      0,
    );
    expect((await walk(fay, { customerTenantId: 'fabrikam' })).ids.length).toBeGreaterThan(0);
  });

  it('R43: the history of the partner’s GDAP stream shows, after each event, the relationship it is about', async () => {
    const history: {
      type: string;
      data: { relationshipId: string };
      stateAfter: {
        totals: { relationships: number };
        relationships: Record<string, { status: string } | null>;
      };
    }[] = (
      await app.gql(ann, '{ history(streamId: "gdap-contoso-partners") { type data stateAfter } }')
    ).data.history;
    expect(history.length).toBeGreaterThan(10);
    const seen = new Set<string>();
    for (const { data, stateAfter } of history) {
      seen.add(data.relationshipId);
      expect(Object.keys(stateAfter.relationships)).toEqual([data.relationshipId]);
      // None of this story's relationships is deleted: every one seen so far is counted.
      expect(stateAfter.totals.relationships).toBe(seen.size);
    }
    const [first] = history;
    expect(first.type).toBe('DelegatedAdminRelationshipCreated');
    expect(first.stateAfter.relationships[first.data.relationshipId]?.status).toBe('created');
    const approved = history.find((entry) => entry.type === 'DelegatedAdminRelationshipApproved');
    expect(approved?.stateAfter.relationships[approved.data.relationshipId]?.status).toBe('active');
  });
});
