import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { OpenServiceRequest } from '../../src/delegated-admin/open-service-request';
import { actorOf } from '../support/audit-events';
import { people } from '../support/tenants';
import { appForSuite, type GraphQLResponse } from '../support/app';

const REQUEST = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: true }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const OPEN = `mutation ($input: OpenServiceRequestInput!) { openServiceRequest(input: $input) { id } }`;
const LIST = `query ($filter: ServiceRequestFilterInput, $first: Int, $after: String) {
  serviceRequests(filter: $filter, first: $first, after: $after) {
    totalCount nodes { id title partnerTenantId customerTenantId openedByUserId openedByName openedAt }
    edges { cursor } pageInfo { hasNextPage endCursor } } }`;
const PAGE = `query ($asOf: DateTime) { partnerRelationships(asOf: $asOf) { partnerTenantId serviceRequestCount } }`;

describe('service requests, listed by both sides (R13, R14, R17)', () => {
  const app = appForSuite();
  const token = (person: keyof typeof people) => app.token(people[person]);
  const titles = (answer: GraphQLResponse) =>
    answer.data.serviceRequests.nodes.map((node: { title: string }) => node.title);
  let beforeAny: Date;

  beforeAll(async () => {
    for (const [partner, customer] of [
      ['ann', 'fay'],
      ['otto', 'fay'],
      ['ann', 'wes'],
    ] as const) {
      const invitation = await app.gql(await token(partner), REQUEST);
      const accepted = await app.gql(await token(customer), ACCEPT, {
        id: invitation.data.requestResellerRelationship.id,
      });
      expect(accepted.errors).toBeUndefined();
    }
    beforeAny = app.clock.now();
    app.clock.advance(60_000);
    for (const [person, customerTenantId, title] of [
      ['ann', 'fabrikam', 'one'],
      ['hal', 'fabrikam', 'two'],
      ['ann', 'woodgrove', 'three'],
      ['otto', 'fabrikam', 'four'],
      ['ann', 'fabrikam', 'five'],
    ] as const) {
      const opened = await app.gql(await token(person), OPEN, {
        input: { customerTenantId, title, description: `request ${title}` },
      });
      expect(opened.errors).toBeUndefined();
      app.clock.advance(1_000);
    }
  });

  it('R17: a partner’s users list the requests their tenant opened, newest first, any partner role', async () => {
    const listed = await app.gql(await token('sam'), LIST);
    expect(titles(listed)).toEqual(['five', 'three', 'two', 'one']);
    expect(listed.data.serviceRequests.totalCount).toBe(4);
    expect(listed.data.serviceRequests.nodes[2]).toMatchObject({
      partnerTenantId: 'contoso-partners',
      customerTenantId: 'fabrikam',
      openedByUserId: 'hal',
      openedByName: 'Hal',
    });
  });

  it('R17: a customer’s Global admin lists those opened on its behalf, by every partner, with who opened them', async () => {
    const listed = await app.gql(await token('fay'), LIST);
    expect(titles(listed)).toEqual(['five', 'four', 'two', 'one']);
    const byPartner = await app.gql(await token('fay'), LIST, {
      filter: { tenantId: 'other-partners' },
    });
    expect(byPartner.data.serviceRequests.nodes).toEqual([
      expect.objectContaining({
        title: 'four',
        openedByUserId: 'otto',
        partnerTenantId: 'other-partners',
      }),
    ]);
    expect(titles(await app.gql(await token('wes'), LIST))).toEqual(['three']);
  });

  it('pages by cursor without gaps or repeats, and a partner narrows to one customer', async () => {
    const ann = await token('ann');
    const first = await app.gql(ann, LIST, { filter: { tenantId: 'FABRIKAM' }, first: 2 });
    expect(titles(first)).toEqual(['five', 'two']);
    expect(first.data.serviceRequests.pageInfo.hasNextPage).toBe(true);
    const second = await app.gql(ann, LIST, {
      filter: { tenantId: 'fabrikam' },
      first: 2,
      after: first.data.serviceRequests.pageInfo.endCursor,
    });
    expect(titles(second)).toEqual(['one']);
    expect(second.data.serviceRequests.pageInfo).toEqual({
      hasNextPage: false,
      endCursor: expect.any(String),
    });
  });

  it('R17: nobody else lists any: a customer user without GlobalAdmin, the Operator', async () => {
    for (const person of ['fred', 'opal'] as const) {
      const refused = await app.gql(await token(person), LIST);
      expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R17' });
    }
    const noRole = await app.token({ ...people.ann, sub: 'nora', roles: [] });
    expect((await app.gql(noRole, LIST)).errors?.[0].extensions).toEqual({
      code: 'FORBIDDEN',
      rule: 'R17',
    });
  });

  it('refuses a cursor it did not give out and a page size out of range, without running the query', async () => {
    const ann = await token('ann');
    for (const variables of [{ after: 'bm90IGEgY3Vyc29y' }, { first: 0 }, { first: 501 }]) {
      const refused = await app.gql(ann, LIST, variables);
      expect(refused.errors?.[0].extensions?.code).toBe('INVALID_INPUT');
    }
  });

  it('R15: the Partner relationships page counts each partner’s requests, and as they stood at asOf', async () => {
    const fay = await token('fay');
    const now = await app.gql(fay, PAGE);
    expect(now.data.partnerRelationships).toEqual(
      expect.arrayContaining([
        { partnerTenantId: 'contoso-partners', serviceRequestCount: 3 },
        { partnerTenantId: 'other-partners', serviceRequestCount: 1 },
      ]),
    );
    const before = await app.gql(fay, PAGE, { asOf: beforeAny.toISOString() });
    expect(
      before.data.partnerRelationships.map(
        (row: { serviceRequestCount: number }) => row.serviceRequestCount,
      ),
    ).toEqual([0, 0]);
  });

  it('R13: a partner’s agents opening requests for one customer all at once are each recorded: they take turns on the pair’s stream, none refused as contended', async () => {
    const commands = app.app.get(CommandBus);
    const [ann, hal] = [people.ann, people.hal].map(actorOf);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 64 }, (_, n) => {
        const actor = n % 2 ? hal : ann;
        return commands.execute(
          new OpenServiceRequest(
            { actor, correlationId: randomUUID() },
            {
              type: 'OpenServiceRequest',
              actor,
              partnerTenantId: 'contoso-partners',
              customerTenantId: 'woodgrove',
              serviceRequestId: randomUUID(),
              title: `at once ${n}`,
              description: 'same pair',
            },
          ),
        );
      }),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
  });
});
