import express from 'express';
import request from 'supertest';
import { consistencyTokenMiddleware } from '../../../src/platform/consistency/consistency-token.middleware';
import { recordedPosition } from '../../../src/platform/consistency/consistency-token';
import { CallerWrites } from '../../../src/platform/consistency/caller-writes';
import { VisiblePosition } from '../../../src/platform/projection-engine/visible-position';

function server(visible: VisiblePosition) {
  const app = express();
  app.use(
    consistencyTokenMiddleware(visible, { READ_YOUR_WRITES_TIMEOUT_MS: 5000 }, new CallerWrites()),
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
