import { join } from 'node:path';
import { appForSuite } from '../support/app';
import { people } from '../support/tenants';
import { eventually } from './support/eventually';
import { isUnavailable } from './support/fault-server';
import { lockFromAnotherProcess } from './support/locker';

const INVITE = 'mutation { requestResellerRelationship(input: {}) { id } }';

describe('faults: backpressure when the projections fall behind', () => {
  const app = appForSuite({
    env: { PROJECTION_MAX_LAG: '3', READ_YOUR_WRITES_TIMEOUT_MS: '500' },
  });

  it('past PROJECTION_MAX_LAG, writes are refused UNAVAILABLE (PROJECTION_LAG) and record nothing; they are taken again once the read models catch up', async () => {
    const ann = await app.token(people.ann);
    const locker = await lockFromAnotherProcess(join(app.dataDir, 'read-models.db'));
    let recorded = 0;
    let refusal: Record<string, unknown> | undefined;
    try {
      // The read models cannot move: each write is recorded (and says so) until the lag passes
      // the limit; from then on writes are refused.
      for (let n = 0; n < 10 && !refusal; n++) {
        const answer = await app.gql(ann, INVITE);
        const extensions = answer.errors?.[0]?.extensions as Record<string, unknown> | undefined;
        if (extensions?.recorded === true) recorded += 1;
        else refusal = extensions;
      }
      expect(isUnavailable(refusal, 'PROJECTION_LAG')).toBe(true);
      expect(recorded).toBeGreaterThan(0);
    } finally {
      await locker.release();
    }
    const after = await eventually(async () => {
      const answer = await app.gql(ann, INVITE);
      const extensions = answer.errors?.[0]?.extensions as Record<string, unknown> | undefined;
      if (extensions?.recorded === true) recorded += 1;
      return answer.data?.requestResellerRelationship?.id as string | undefined;
    }, 20_000);
    expect(after).toBeDefined();
    const invitations = await app.gql(ann, '{ invitations { id } }');
    expect(invitations.data.invitations).toHaveLength(recorded + 1);
  }, 40_000);
});
