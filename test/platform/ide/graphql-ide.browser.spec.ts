import request from 'supertest';
import { appForSuite, acceptedCustomers } from '../../support/app';
import { chromiumAvailable, launchChromium } from '../../support/chromium';
import { people } from '../../support/tenants';

describe('the GraphQL IDE', () => {
  const app = appForSuite();
  beforeAll(async () => {
    await acceptedCustomers(app, await app.token(people.ann), 2);
  });

  it('GET /graphql from a browser gets the IDE page, from this server only; GraphQL clients are unaffected', async () => {
    const page = await request(app.url).get('/graphql').set('accept', 'text/html,*/*');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toContain('/ide/assets/graphiql.min.js');
    expect(page.text).not.toMatch(/https?:\/\//);
    const asset = await request(app.url).get('/ide/assets/graphiql.min.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
    expect((await request(app.url).get('/ide/assets/package.json')).status).toBe(404);
    const json = await app.gql(await app.token(people.ann), '{ __typename }');
    expect(json).toEqual({ data: { __typename: 'Query' } });
  });

  const browser = chromiumAvailable() ? it : it.skip;

  browser(
    'in a real browser: loads, takes a pasted token, runs a query and shows the answer',
    async () => {
      const chromium = await launchChromium();
      try {
        const page = await chromium.context.newPage();
        const elsewhere: string[] = [];
        page.on('request', (sent) => {
          if (!sent.url().startsWith(app.url)) elsewhere.push(sent.url());
        });
        const pageErrors: string[] = [];
        page.on('pageerror', (error) => pageErrors.push(error.message));
        const query = '{ customers(first: 5) { totalCount nodes { name } } }';
        await page.goto(`${app.url}/graphql?query=${encodeURIComponent(query)}`);
        await page.locator('.graphiql-container').waitFor();
        await page.fill('#token', await app.token(people.ann));
        await page.locator('#who').filter({ hasText: 'Contoso Partners' }).waitFor();
        await page.click('.graphiql-execute-button');
        const response = page.locator('.graphiql-response');
        await response.filter({ hasText: '"totalCount": 2' }).waitFor({ timeout: 15_000 });
        expect(await response.innerText()).toContain('Customer 001');
        expect(elsewhere).toEqual([]);
        expect(pageErrors).toEqual([]);
      } finally {
        await chromium.close();
      }
    },
    60_000,
  );
});
