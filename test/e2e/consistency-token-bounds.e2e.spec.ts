import request from 'supertest';
import { appForSuite } from '../support/app';
import { eventCount } from '../support/security';
import { people } from '../support/tenants';

const INVITE = 'mutation { requestResellerRelationship(input: {}) { id } }';

/**
 * A Consistency-Token names a position the store recorded: one past the store's head is no token
 * the service gave out, refused at once (400) rather than waited for until READ_YOUR_WRITES_TIMEOUT_MS
 * (a 503 NOT_READY that invites retries and holds the connection meanwhile).
 */
describe.each(['sqlite', 'esdb'] as const)('a Consistency-Token past the head (%s)', (store) => {
  const app = appForSuite({
    onEsdbDouble: store === 'esdb',
    env: { READ_YOUR_WRITES_TIMEOUT_MS: '20000' },
  });

  const invite = (token: string, consistency?: string) => {
    const call = request(app.url)
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${token}`);
    if (consistency !== undefined) call.set('consistency-token', consistency);
    return call.send({ query: INVITE });
  };

  it('R41: is INVALID_INPUT at once, nothing run; a token the service answered with is served', async () => {
    const ann = await app.token(people.ann);
    const invited = await invite(ann);
    const recorded = invited.headers['consistency-token'];
    expect(recorded).toMatch(/^[0-9]+$/);

    const before = store === 'sqlite' ? eventCount(app) : undefined;
    const started = Date.now();
    const beyond = await invite(ann, String(Number(recorded) * 1000 + 1_000_000));
    expect(beyond.status).toBe(400);
    expect(beyond.body.errors[0].extensions.code).toBe('INVALID_INPUT');
    expect(Date.now() - started).toBeLessThan(10_000);
    if (before !== undefined) expect(eventCount(app)).toBe(before);

    const served = await invite(ann, recorded);
    expect(served.status).toBe(200);
    expect(served.body.errors).toBeUndefined();
  });
});
