import type { TokenClaims } from '../../src/platform/auth/token-claims';
import { appForSuite } from '../support/app';
import { people } from '../support/tenants';

const INVITE = `mutation ($dap: Boolean!) { requestResellerRelationship(input: { includeDelegatedAdmin: $dap }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { since } }`;
const REMOVE_DAP = `mutation { removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners", confirm: true) { since } }`;
const PROVISION = `mutation { provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: "Prod" }) { id } }`;
const END = `mutation ($id: ID!) { endResellerRelationship(customerTenantId: $id) { tenantId } }`;

const PAGE = `query ($first: Int, $after: String, $search: String, $filter: CustomerFilter, $sort: CustomerSort, $direction: SortDirection) {
  customers(first: $first, after: $after, search: $search, filter: $filter, sort: $sort, direction: $direction) {
    totalCount nodes { tenantId } pageInfo { hasNextPage endCursor } } }`;
const CSV = `query ($first: Int, $after: String, $search: String, $filter: CustomerFilter, $sort: CustomerSort) {
  customersCsv(first: $first, after: $after, search: $search, filter: $filter, sort: $sort) {
    csv totalCount pageInfo { hasNextPage endCursor } } }`;

const customer = (tid: string, name: string, domain: string): TokenClaims => ({
  sub: `admin-${tid}`,
  name: `Admin of ${name}`,
  tid,
  tenant_kind: 'customer',
  tenant_name: name,
  tenant_domain: domain,
  roles: ['GlobalAdmin'],
});

const CAFE = customer('cafe', 'Émile Café', 'cafe-emile.onmicrosoft.com');
const FISK = customer('fisk', 'Ålesund Fisk', 'fisk.example');
const NORTHWIND = customer('northwind', 'northwind', 'nw.example');
const LATE = customer('late', 'Late Comer', 'late.example');

type Variables = Record<string, unknown>;

describe('Customers page: search, filters, sort and paging (R16)', () => {
  const app = appForSuite();
  let ann: string;
  let sam: string;

  const accept = async (claims: TokenClaims, dap: boolean) => {
    const id = (await app.gql(ann, INVITE, { dap })).data.requestResellerRelationship.id;
    const accepted = await app.gql(await app.token(claims), ACCEPT, { id });
    expect(accepted.errors).toBeUndefined();
    app.clock.advance(60_000);
  };
  const ids = async (variables: Variables, token = ann): Promise<string[]> => {
    const answer = await app.gql(token, PAGE, { first: 100, ...variables });
    expect(answer.errors).toBeUndefined();
    const page = answer.data.customers;
    expect(page.totalCount).toBe(page.nodes.length);
    return page.nodes.map((node: { tenantId: string }) => node.tenantId);
  };
  /** Every page of `first` rows, following endCursor. */
  const walk = async (variables: Variables, first = 2): Promise<string[]> => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const answer = await app.gql(ann, PAGE, { ...variables, first, after });
      expect(answer.errors).toBeUndefined();
      const page: any = answer.data.customers;
      seen.push(...page.nodes.map((node: { tenantId: string }) => node.tenantId));
      if (!page.pageInfo.hasNextPage) return seen;
      after = page.pageInfo.endCursor;
    }
  };

  beforeAll(async () => {
    ann = await app.token(people.ann);
    sam = await app.token(people.sam);
    await accept(people.fay, true); // fabrikam: DAP, an Azure subscription
    await accept(people.wes, true); // woodgrove: DAP removed below
    await accept(CAFE, false); // cafe: no DAP
    await accept(FISK, true);
    await accept(NORTHWIND, true); // ended below
    expect((await app.gql(await app.token(people.wes), REMOVE_DAP)).errors).toBeUndefined();
    expect((await app.gql(ann, PROVISION)).errors).toBeUndefined();
    expect((await app.gql(ann, END, { id: 'northwind' })).errors).toBeUndefined();
  });

  it('R16: search matches a prefix of the name or the domain, ignoring case and accents', async () => {
    expect(await ids({ search: 'EMI' })).toEqual(['cafe']);
    expect(await ids({ search: 'café' })).toEqual(['cafe']); // the domain cafe-emile…
    expect(await ids({ search: 'ale' })).toEqual(['fisk']); // Ålesund
    expect(await ids({ search: 'fisk.ex' })).toEqual(['fisk']);
    expect(await ids({ search: 'wood' })).toEqual(['woodgrove']);
    expect(await ids({ search: 'emile cafe' })).toEqual(['cafe']);
    expect(await ids({ search: 'mile' })).toEqual([]); // a prefix, not a substring
    expect(await ids({ search: '   ' })).toEqual(['fisk', 'cafe', 'fabrikam', 'woodgrove']);
  });

  it('R16: filters by DAP status, relationship, a service usable or not, Azure subscriptions', async () => {
    const filter = (value: Variables) => ids({ filter: value });
    expect(await filter({ delegatedAdminStatus: ['REMOVED'] })).toEqual(['woodgrove']);
    expect(await filter({ delegatedAdminStatus: ['NONE', 'REMOVED'] })).toEqual([
      'cafe',
      'woodgrove',
    ]);
    expect(await filter({ relationshipActive: false })).toEqual(['northwind']);
    expect(await filter({ hasAzureSubscriptions: true })).toEqual(['fabrikam']);
    expect(await filter({ hasAzureSubscriptions: false })).toEqual(['fisk', 'cafe', 'woodgrove']);
    // R14: an Admin Agent uses Exchange through DAP; R21, R23: Azure only through its roles.
    expect(await filter({ service: { name: 'Exchange', usable: true } })).toEqual([
      'fisk',
      'fabrikam',
    ]);
    expect(await filter({ service: { name: 'Exchange', usable: false } })).toEqual([
      'cafe',
      'woodgrove',
    ]);
    expect(await filter({ service: { name: 'Azure', usable: true } })).toEqual(['fabrikam']);
    // A Sales Agent gets nothing from DAP (R14), and its group holds no Azure role.
    expect(await ids({ filter: { service: { name: 'Exchange', usable: true } } }, sam)).toEqual([]);
    expect(await ids({ filter: { service: { name: 'Azure', usable: true } } }, sam)).toEqual([]);
    expect(
      await ids({ search: 'f', filter: { delegatedAdminStatus: ['ACTIVE'] } }), // search and filter
    ).toEqual(['fisk', 'fabrikam']);
  });

  it('R16: the filter agrees with what each row says of its services', async () => {
    const answer = await app.gql(
      ann,
      `{ customers(first: 100) { nodes { tenantId azureSubscriptions { id } services { name usable } } } }`,
    );
    for (const name of ['Exchange', 'Azure']) {
      const usable = answer.data.customers.nodes
        .filter((node: any) => node.services.find((s: any) => s.name === name).usable)
        .map((node: any) => node.tenantId);
      expect(await ids({ filter: { service: { name, usable: true } } })).toEqual(usable);
    }
  });

  it('R16: sorts by name, since and DAP change, either way', async () => {
    expect(await ids({})).toEqual(['fisk', 'cafe', 'fabrikam', 'woodgrove']); // Ålesund, Émile
    expect(await ids({ direction: 'DESC' })).toEqual(['woodgrove', 'fabrikam', 'cafe', 'fisk']);
    expect(await ids({ sort: 'SINCE' })).toEqual(['fabrikam', 'woodgrove', 'cafe', 'fisk']);
    expect(await ids({ sort: 'SINCE', direction: 'DESC' })).toEqual([
      'fisk',
      'cafe',
      'woodgrove',
      'fabrikam',
    ]);
    // never changed first; woodgrove's removal is its latest change
    expect(await ids({ sort: 'DAP_CHANGED' })).toEqual(['cafe', 'fabrikam', 'fisk', 'woodgrove']);
  });

  it('R16: every sort and filter pages by keyset to the same rows, whatever the page size', async () => {
    const cases: Variables[] = [
      {},
      { direction: 'DESC' },
      { sort: 'SINCE' },
      { sort: 'DAP_CHANGED', direction: 'DESC' },
      { search: 'f' },
      { filter: { delegatedAdminStatus: ['ACTIVE', 'REMOVED'] }, sort: 'SINCE' },
    ];
    for (const variables of cases) {
      const all = await ids(variables);
      expect(await walk(variables, 1)).toEqual(all);
      expect(await walk(variables, 3)).toEqual(all);
    }
  });

  it('R16: paging while rows change: no row twice, none skipped that was there throughout', async () => {
    const first = await app.gql(ann, PAGE, { first: 2 });
    const page1 = first.data.customers.nodes.map((node: { tenantId: string }) => node.tenantId);
    expect(page1).toEqual(['fisk', 'cafe']);
    // A customer joins after the cursor, one before it, and a row on the next page changes.
    await accept(LATE, true);
    await accept(customer('aaron', 'Aaron', 'aaron.example'), true);
    expect((await app.gql(await app.token(people.fay), REMOVE_DAP)).errors).toBeUndefined();
    const next = await app.gql(ann, PAGE, {
      first: 10,
      after: first.data.customers.pageInfo.endCursor,
    });
    const page2 = next.data.customers.nodes.map((node: { tenantId: string }) => node.tenantId);
    // Aaron sorts before the cursor: the next page starts after it, as keyset paging promises.
    expect(page2).toEqual(['fabrikam', 'late', 'woodgrove']);
    expect(page2.filter((id: string) => page1.includes(id))).toEqual([]);
    expect(next.data.customers.totalCount).toBe(6);
  });

  it('R16: refuses a cursor of another order, an unknown service, a long search, asOf with a search', async () => {
    const byName = await app.gql(ann, PAGE, { first: 1 });
    const cases: [Variables, string][] = [
      [{ sort: 'SINCE', after: byName.data.customers.pageInfo.endCursor }, 'INVALID_INPUT'],
      [{ filter: { service: { name: 'Outlook', usable: true } } }, 'INVALID_INPUT'],
      [{ search: 'x'.repeat(101) }, 'INVALID_INPUT'],
      [{ after: 'bm90IGEgY3Vyc29y' }, 'INVALID_INPUT'],
    ];
    for (const [variables, code] of cases) {
      const answer = await app.gql(ann, PAGE, variables);
      expect(answer.errors?.[0].extensions?.code).toBe(code);
    }
    for (const asked of [
      'search: "f"',
      'sort: SINCE',
      'direction: DESC',
      'filter: { hasAzureSubscriptions: true }',
      'filter: { relationshipActive: false }',
    ]) {
      const asOf = await app.gql(
        ann,
        `{ customers(asOf: "2020-01-01T00:00:00Z", ${asked}) { totalCount } }`,
      );
      expect([asked, asOf.errors?.[0].extensions?.code]).toEqual([asked, 'INVALID_INPUT']);
    }
  });

  it('R43: asOf takes what it does anyway: by name ascending, no search, an empty filter, active relationships', async () => {
    const now = new Date(app.clock.now().getTime() + 1).toISOString();
    const plain = await app.gql(ann, `{ customers(asOf: "${now}") { totalCount } }`);
    expect(plain.errors).toBeUndefined();
    for (const asked of [
      'sort: NAME, direction: ASC',
      'filter: {}',
      'search: "  "',
      'filter: { delegatedAdminStatus: [] }',
      'filter: { relationshipActive: true }',
    ]) {
      const answer = await app.gql(ann, `{ customers(asOf: "${now}", ${asked}) { totalCount } }`);
      expect([asked, answer.errors]).toEqual([asked, undefined]);
      expect(answer.data.customers.totalCount).toBe(plain.data.customers.totalCount);
    }
  });

  it('R16: customersCsv pages the filtered list as CSV, the header on the first page only', async () => {
    const variables = { filter: { delegatedAdminStatus: ['ACTIVE'] } };
    let csv = '';
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const answer = await app.gql(ann, CSV, { ...variables, first: 2, after });
      expect(answer.errors).toBeUndefined();
      const page: any = answer.data.customersCsv;
      csv += page.csv;
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const lines = csv.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe(
      'tenantId,name,domain,relationshipSince,relationshipActive,delegatedAdminStatus,delegatedAdminRoles,delegatedAdminChangedAt,azureSubscriptions,usableServices,gdapAccess,gdapAccessEnds,relationshipType',
    );
    const listed = await ids(variables);
    expect(pages).toBe(Math.ceil(listed.length / 2));
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(listed);
    const fisk = lines.find((line) => line.startsWith('fisk,'))!;
    expect(fisk).toMatch(
      /^fisk,Ålesund Fisk,fisk\.example,[^,]+,true,ACTIVE,Global Administrator; Helpdesk Administrator,[^,]+,0,Azure Active Directory; Microsoft 365; Exchange; SharePoint; Teams,,,RESELLER$/,
    );
  });
});
