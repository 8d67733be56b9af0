import { GdapScheduler } from '../../src/gdap/gdap-scheduler';
import { appForSuite, describeOnBothStores } from '../support/app';
import { readModelsCaughtUp } from '../support/caught-up';
import { GDAP_MUTATIONS, woodgroveRelationshipAskedFor } from '../support/gdap-operations';
import { people } from '../support/tenants';

const HOUR = 3_600_000;
const ROW = `tenantId name domain relationshipType relationshipActive relationshipSince
  delegatedAdmin { status } delegatedAdminRelationships { id status }`;
const PAGE = `query ($filter: CustomerFilter) { customers(first: 50, filter: $filter) { totalCount nodes { ${ROW} } } }`;
const DEVICES = `{ autopilotDevicesConnection(customerTenantId: "woodgrove") { totalCount } }`;
const SEARCHED = `query ($search: String) { customers(first: 50, search: $search) { totalCount nodes { ${ROW} } } }`;
const PAST_PAGE = `query ($asOf: DateTime) { customers(first: 50, asOf: $asOf) { totalCount nodes { ${ROW} } } }`;
const ONE = `{ customer(tenantId: "woodgrove") { ${ROW} } }`;
const INVITE = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: false, customerTenantId: "woodgrove" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const END = `mutation { endResellerRelationship(customerTenantId: "woodgrove") { ${ROW} } }`;

/**
 * R16, R43, R62–R64: a customer whose only relationship with the partner is GDAP is on the
 * partner's Customers page while one of its relationships is in force (as the partner is on the
 * customer's Partner relationships page, R15): listed as GRANULAR_DELEGATED_ADMIN, since its
 * approval, with no reseller relationship and no DAP; it leaves (relationshipActive false) with
 * its last GDAP relationship, and a reseller customer whose relationship ended stays while one is
 * in force.
 */
describeOnBothStores('GDAP-only customers on the Customers page', (onEsdb) => {
  const app = appForSuite({
    onEsdbDouble: onEsdb,
    env: { GDAP_SCHEDULER_MAX_SLEEP_MS: '50' },
  });

  const woodgroveOn = async (
    token: string,
    query = PAGE,
    variables: Record<string, unknown> = {},
  ) => {
    await readModelsCaughtUp(app);
    const answer = await app.gql(token, query, variables);
    expect(answer.errors).toBeUndefined();
    const { nodes, totalCount } = answer.data.customers as {
      nodes: { tenantId: string }[];
      totalCount: number;
    };
    const rows = nodes.filter((row) => row.tenantId === 'woodgrove');
    expect(totalCount).toBe(nodes.length);
    return rows;
  };

  it('R9, R16, R30, R43, R62, R64: listed from approval to termination, as GDAP, as reseller, as GDAP again, then among the ended', async () => {
    const [ann, wes, otto] = await Promise.all(
      [people.ann, people.wes, people.otto].map(app.token),
    );
    const id = await woodgroveRelationshipAskedFor(app, ann);
    expect(await woodgroveOn(ann)).toEqual([]); // not approved: no relationship yet
    expect((await app.gql(ann, ONE)).data.customer).toBeNull();

    app.clock.advance(HOUR);
    const approvedAt = app.clock.now();
    expect((await app.gql(wes, GDAP_MUTATIONS.APPROVE, { id })).errors).toBeUndefined();
    const gdapRow = {
      tenantId: 'woodgrove',
      name: 'Woodgrove',
      domain: 'woodgrove.onmicrosoft.com',
      relationshipType: 'GRANULAR_DELEGATED_ADMIN',
      relationshipActive: true,
      relationshipSince: approvedAt.toISOString(),
      delegatedAdmin: { status: 'NONE' },
      delegatedAdminRelationships: [{ id, status: 'active' }],
    };
    expect(await woodgroveOn(ann)).toEqual([gdapRow]);
    expect((await app.gql(ann, ONE)).data.customer).toEqual(gdapRow);
    // Searched by its domain, as its admin's token gave it on approval.
    expect(await woodgroveOn(ann, SEARCHED, { search: 'woodgrove.onm' })).toEqual([gdapRow]);
    // R17: another partner's page does not list it.
    expect(await woodgroveOn(otto)).toEqual([]);
    // R30: Autopilot comes with a reseller relationship; the partner is told why, another is not.
    expect((await app.gql(ann, DEVICES)).errors?.[0]).toMatchObject({
      message: expect.stringContaining('through GDAP alone'),
      extensions: { code: 'FORBIDDEN', rule: 'R30' },
    });
    expect((await app.gql(otto, DEVICES)).errors?.[0].extensions).toMatchObject({
      code: 'NOT_FOUND',
    });

    app.clock.advance(HOUR);
    const invitation = await app.gql(ann, INVITE);
    await app.gql(wes, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
    const resellerSince = app.clock.now().toISOString();
    expect(await woodgroveOn(ann)).toEqual([
      {
        ...gdapRow,
        relationshipType: 'RESELLER',
        relationshipActive: true,
        relationshipSince: resellerSince,
      },
    ]);

    app.clock.advance(HOUR);
    const ended = await app.gql(ann, END);
    expect(ended.errors).toBeUndefined();
    expect(ended.data.endResellerRelationship).toEqual(gdapRow);
    expect(await woodgroveOn(ann)).toEqual([gdapRow]);
    expect(await woodgroveOn(ann, PAGE, { filter: { relationshipActive: false } })).toEqual([]);

    app.clock.advance(HOUR);
    const terminatedAfter = app.clock.now();
    expect((await app.gql(wes, GDAP_MUTATIONS.TERMINATE, { id })).errors).toBeUndefined();
    await app.app.get(GdapScheduler).runDue();
    expect(await woodgroveOn(ann)).toEqual([]);
    // Ended: it was a reseller customer, and is listed among the ended as one.
    expect(await woodgroveOn(ann, PAGE, { filter: { relationshipActive: false } })).toEqual([
      expect.objectContaining({
        relationshipType: 'RESELLER',
        relationshipActive: false,
        relationshipSince: resellerSince,
      }),
    ]);

    // R43: the page as it stood.
    const asOf = (at: number) => woodgroveOn(ann, PAST_PAGE, { asOf: new Date(at) });
    expect(await asOf(approvedAt.getTime() - 1)).toEqual([]);
    expect(await asOf(approvedAt.getTime() + HOUR / 2)).toEqual([
      expect.objectContaining({ relationshipType: 'GRANULAR_DELEGATED_ADMIN' }),
    ]);
    expect(await asOf(approvedAt.getTime() + HOUR * 1.5)).toEqual([
      expect.objectContaining({ relationshipType: 'RESELLER', relationshipActive: true }),
    ]);
    expect(await asOf(terminatedAfter.getTime() - 1)).toEqual([
      expect.objectContaining({
        relationshipType: 'GRANULAR_DELEGATED_ADMIN',
        relationshipSince: approvedAt.toISOString(),
      }),
    ]);
  });
});
