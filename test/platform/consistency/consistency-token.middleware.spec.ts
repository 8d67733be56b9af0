import express from 'express';
import request from 'supertest';
import { consistencyTokenMiddleware } from '../../../src/platform/consistency/consistency-token.middleware';
import { recordedPosition } from '../../../src/platform/consistency/consistency-token';
import { CallerWrites } from '../../../src/platform/consistency/caller-writes';
import { VisiblePosition } from '../../../src/platform/projection-engine/visible-position';

function server(visible: VisiblePosition, head = Number.MAX_SAFE_INTEGER, timeoutMs = 5000) {
  const app = express();
  app.use(
    consistencyTokenMiddleware(
      {
        waitFor: (position, timeoutMs) => visible.waitFor(position, timeoutMs),
        visiblePosition: () => visible.current,
      },
      { headPosition: () => Promise.resolve(head) },
      { READ_YOUR_WRITES_TIMEOUT_MS: timeoutMs },
      new CallerWrites(),
    ),
  );
  app.post('/graphql', (_req, res) => {
    res.json({ visible: visible.current, scope: recordedPosition.getStore() });
  });
  return app;
}

describe('consistencyTokenMiddleware', () => {
  it('holds a request until the read models reach its token, then runs it', async () => {
    const visible = new VisiblePosition();
    visible.publish(10);
    const answer = request(server(visible)).post('/graphql').set('consistency-token', '42');
    const answered = answer.then((response) => response);
    setTimeout(() => visible.publish(41), 50);
    setTimeout(() => visible.publish(42), 150);
    const response = await answered;
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ visible: 42, scope: { position: 0 } });
  });

  /** Read models at position 10, a store whose head is 50: `token` sent, waiting `timeoutMs`. */
  const sentAt10 = (token: string, timeoutMs: number) => {
    const visible = new VisiblePosition();
    visible.publish(10);
    const answer = request(server(visible, 50, timeoutMs))
      .post('/graphql')
      .set('consistency-token', token);
    return { visible, answer };
  };

  it('answers NOT_READY (503) when the read models do not reach a recorded position in time', async () => {
    const response = await sentAt10('42', 100).answer;
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body.errors[0].extensions).toEqual({ code: 'NOT_READY' });
  });

  it('refuses at once a position past the store’s head (400); one the read models have applied is served without asking', async () => {
    const { visible, answer } = sentAt10('51', 60_000);
    const refused = await answer;
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions).toEqual({ code: 'INVALID_INPUT' });
    // Read models past the store's head as last read (a head read before an append): served.
    visible.publish(60);
    const served = await request(server(visible, 50))
      .post('/graphql')
      .set('consistency-token', '55');
    expect(served.status).toBe(200);
  });

  it('runs at once a token already reached, and a request without one', async () => {
    const visible = new VisiblePosition();
    visible.publish(100);
    const app = server(visible);
    expect((await request(app).post('/graphql').set('consistency-token', '99')).body).toEqual({
      visible: 100,
      scope: { position: 0 },
    });
    expect((await request(app).post('/graphql')).body).toEqual({
      visible: 100,
      scope: { position: 0 },
    });
  });
});
