import request from 'supertest';
import { loadSettings } from '../../../src/platform/config/settings';
import { appForSuite, type TestApp } from '../../support/app';

const preflight = (app: TestApp, origin: string) =>
  request(app.url)
    .options('/graphql')
    .set('origin', origin)
    .set('access-control-request-method', 'POST')
    .set('access-control-request-headers', 'content-type,authorization');

describe('CORS_ORIGINS unset (the default)', () => {
  const app = appForSuite();

  it('no origin is allowed to read answers cross-origin', async () => {
    const answer = await preflight(app, 'https://admin.example.com');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    const post = await request(app.url)
      .post('/graphql')
      .set('origin', 'https://admin.example.com')
      .set('content-type', 'application/json')
      .send({ query: '{ __typename }' });
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS_ORIGINS set', () => {
  const app = appForSuite({
    env: {
      CORS_ORIGINS: 'https://admin.example.com, http://localhost:5173',
      GRAPHQL_IDE: 'off',
    },
  });

  it('a listed origin may send a token and read the answer and its request id', async () => {
    const answer = await preflight(app, 'https://admin.example.com');
    expect(answer.status).toBeLessThan(300);
    expect(answer.headers['access-control-allow-origin']).toBe('https://admin.example.com');
    expect(answer.headers['access-control-allow-headers']).toContain('authorization');
    // A browser app retries a mutation safely with an Idempotency-Key and sees it was replayed.
    expect(answer.headers['access-control-allow-headers']).toContain('idempotency-key');
    const post = await request(app.url)
      .post('/graphql')
      .set('origin', 'http://localhost:5173')
      .set('content-type', 'application/json')
      .send({ query: '{ __typename }' });
    expect(post.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(post.headers['access-control-expose-headers']).toContain('x-request-id');
    expect(post.headers['access-control-expose-headers']).toContain('idempotent-replayed');
  });

  it('an origin not listed is not allowed', async () => {
    const answer = await preflight(app, 'https://evil.example.com');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('GRAPHQL_IDE=off: a browser opening /graphql gets no IDE', async () => {
    const page = await request(app.url).get('/graphql').set('accept', 'text/html');
    expect(page.headers['content-type']).not.toContain('text/html');
    expect((await request(app.url).get('/ide/assets/graphiql.min.js')).status).toBe(404);
  });
});

describe('CORS_ORIGINS values', () => {
  it('must be exact origins, or the start stops naming the setting', () => {
    expect(() => loadSettings({ CORS_ORIGINS: 'https://admin.example.com/app' })).toThrow(
      /CORS_ORIGINS/,
    );
    expect(() => loadSettings({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
    expect(loadSettings({ CORS_ORIGINS: ' https://a.example.com ,' }).CORS_ORIGINS).toEqual([
      'https://a.example.com',
    ]);
  });
});
