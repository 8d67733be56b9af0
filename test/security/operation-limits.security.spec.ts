import { appForSuite } from '../support/app';
import { eventCount, firstResult, stillAnswers, wsClient } from '../support/security';
import { people } from '../support/tenants';

const LIMITED = {
  GRAPHQL_MAX_DEPTH: '6',
  GRAPHQL_MAX_ALIASES: '3',
  GRAPHQL_MAX_DIRECTIVES: '4',
  GRAPHQL_MAX_TOKENS: '400',
  GRAPHQL_MAX_FIELDS: '40',
  GRAPHQL_MAX_COST: '3000',
  GRAPHQL_MAX_DATA_SIZED_FIELDS: '2',
};

const REQUEST = 'requestResellerRelationship(input: {}) { id }';
const FULL_CUSTOMER = `tenantId name delegatedAdmin { status roles } services { name usable }`;

/** Operations over each limit: the setting the refusal must name, and the operation. */
const OVER_THE_LIMIT: { name: string; limit: string; query: string }[] = [
  {
    name: 'nested deeper than GRAPHQL_MAX_DEPTH',
    limit: 'GRAPHQL_MAX_DEPTH',
    query: `{ customers { edges { node { azureSubscriptions { roleAssignments { principal { kind } } } } } } }`,
  },
  {
    name: 'fields nested deeper than GRAPHQL_MAX_DEPTH through fragments',
    limit: 'GRAPHQL_MAX_DEPTH',
    query: `{ ...C } fragment C on Query { customers { edges { ...N } } } fragment N on CustomerEdge { node { azureSubscriptions { ... on AzureSubscription { roleAssignments { principal { kind } } } } } }`,
  },
  {
    name: 'more aliases than GRAPHQL_MAX_ALIASES',
    limit: 'GRAPHQL_MAX_ALIASES',
    query: `{ ${Array.from({ length: 4 }, (_, i) => `a${i}: me { userId }`).join(' ')} }`,
  },
  {
    name: 'aliases of __typename, which graphql-armor counts as none by default',
    limit: 'GRAPHQL_MAX_ALIASES',
    query: `{ ${Array.from({ length: 4 }, (_, i) => `t${i}: __typename`).join(' ')} }`,
  },
  {
    name: 'a field aliased as __typename among as many aliases as allowed',
    limit: 'GRAPHQL_MAX_ALIASES',
    query: `{ __typename: me { userId } ${Array.from({ length: 3 }, (_, i) => `a${i}: me { userId }`).join(' ')} }`,
  },
  {
    name: 'aliased mutations, each of which would append',
    limit: 'GRAPHQL_MAX_ALIASES',
    query: `mutation { ${Array.from({ length: 10 }, (_, i) => `m${i}: ${REQUEST}`).join(' ')} }`,
  },
  {
    name: 'more directives than GRAPHQL_MAX_DIRECTIVES',
    limit: 'GRAPHQL_MAX_DIRECTIVES',
    query: `{ me { userId @include(if: true) @skip(if: false) name @include(if: true) @skip(if: false) tenantId @include(if: true) } }`,
  },
  {
    name: 'more tokens than GRAPHQL_MAX_TOKENS',
    limit: 'GRAPHQL_MAX_TOKENS',
    query: `{ me { ${'userId '.repeat(500)} } }`,
  },
  {
    name: 'more fields than GRAPHQL_MAX_FIELDS, through a fragment used many times',
    limit: 'GRAPHQL_MAX_FIELDS',
    query: `fragment F on Actor { userId name tenantId tenantKind tenantName tenantDomain roles } { me { ...F ...F ...F ...F ...F ...F ...F } }`,
  },
  {
    name: 'introspection nested deeper than graphql-js allows',
    limit: 'INTROSPECTION_DEPTH',
    query: `{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }`,
  },
  {
    name: 'history asked for more often than GRAPHQL_MAX_DATA_SIZED_FIELDS (each alias would read the stream again)',
    limit: 'GRAPHQL_MAX_DATA_SIZED_FIELDS',
    query: `{ history(streamId: "relationship-a") { revision } h1: history(streamId: "relationship-b") { revision } h2: effectiveAccess(partnerTenantId: "p", customerTenantId: "c") { evaluatedAt } }`,
  },
  {
    name: 'data-sized fields reached through fragments',
    limit: 'GRAPHQL_MAX_DATA_SIZED_FIELDS',
    query: `fragment P on Query { partnerRelationships { partnerTenantId } } fragment H on Query { history(streamId: "relationship-a") { revision } } { ...P ...H ... on Query { e: effectiveAccess(partnerTenantId: "p", customerTenantId: "c") { evaluatedAt } } }`,
  },
  {
    name: 'a large page multiplied through nested lists (cost)',
    limit: 'GRAPHQL_MAX_COST',
    query: `{ customers(first: 500) { nodes { ${FULL_CUSTOMER} } } }`,
  },
];

describe('operation limits: every operation is costed and refused before it runs', () => {
  const app = appForSuite({ env: LIMITED });
  let ann: string;

  beforeAll(async () => {
    ann = await app.token(people.ann);
  });

  it.each(OVER_THE_LIMIT)(
    'R50: $name → OPERATION_LIMIT_EXCEEDED naming $limit, nothing appended',
    async ({ limit, query }) => {
      const before = eventCount(app);
      const answer = await app.gql(ann, query);
      expect(answer.data).toBeUndefined();
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors![0].extensions).toMatchObject({
        code: 'OPERATION_LIMIT_EXCEEDED',
        limit,
      });
      expect(answer.errors![0].message).toContain(limit);
      expect(eventCount(app)).toBe(before);
      expect(await stillAnswers(app, ann)).toBe(true);
    },
  );

  it('R50: fragments are no level of depth: nested fragments around a shallow selection run', async () => {
    const spreads =
      '{ ...A } fragment A on Query { ...B } fragment B on Query { ...C } fragment C on Query { ...D } ' +
      'fragment D on Query { ...E } fragment E on Query { me { userId } }';
    const inline =
      '{ ... on Query { ... on Query { ... on Query { ... on Query { ... { me { userId } } } } } } }';
    for (const query of [spreads, inline]) {
      const answer = await app.gql(ann, query);
      expect([query, answer.errors]).toEqual([query, undefined]);
      expect(answer.data.me.userId).toBe('ann');
    }
  });

  it('costs `first` from the variables: the same document passes with a small page', async () => {
    const query = `query ($n: Int) { customers(first: $n) { nodes { ${FULL_CUSTOMER} } } }`;
    const small = await app.gql(ann, query, { n: 10 });
    expect(small.errors).toBeUndefined();
    const large = await app.gql(ann, query, { n: 500 });
    expect(large.errors?.[0].extensions).toMatchObject({
      code: 'OPERATION_LIMIT_EXCEEDED',
      limit: 'GRAPHQL_MAX_COST',
    });
  });

  it('as many data-sized fields as GRAPHQL_MAX_DATA_SIZED_FIELDS run', async () => {
    const answer = await app.gql(
      ann,
      `{ partnerRelationships { partnerTenantId } m: me { userId } h: history(streamId: "relationship-contoso-partners_fabrikam") { revision } }`,
    );
    expect(answer.errors?.map((error) => error.extensions?.code) ?? []).not.toContain(
      'OPERATION_LIMIT_EXCEEDED',
    );
    // It ran: its fields answered for themselves (a partner reads no Partner relationships page).
    expect(answer.errors?.map((error) => (error as { path?: string[] }).path?.[0])).toEqual([
      'partnerRelationships',
    ]);
  });

  it('operations within every limit run as before, a mutation included', async () => {
    const before = eventCount(app);
    const answer = await app.gql(ann, `mutation { a: ${REQUEST} b: ${REQUEST} }`);
    expect(answer.errors).toBeUndefined();
    expect(eventCount(app)).toBe(before + 2);
  });

  it('graphql-ws applies the same limits to a subscription', async () => {
    const { client } = wsClient(app, { authorization: `Bearer ${await app.token(people.fay)}` });
    try {
      const aliased = await firstResult(
        client,
        `subscription { partnerRelationshipsChanged { a: since b: since c: since d: since } }`,
      );
      expect(aliased.errors?.[0].extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED' });
      const tokens = await firstResult(
        client,
        `subscription { partnerRelationshipsChanged { ${'since '.repeat(500)} } }`,
      );
      expect(tokens.errors?.[0].extensions).toMatchObject({
        code: 'OPERATION_LIMIT_EXCEEDED',
        limit: 'GRAPHQL_MAX_TOKENS',
      });
    } finally {
      await client.dispose();
    }
  });
});
