import { isReady } from '../../../src/platform/health/readiness';

describe('readiness, as the probe and /metrics both tell it', () => {
  const live = { status: 'LIVE' };

  it('is ready once started, with no fault and no read model failed or being rebuilt', () => {
    expect(isReady(true, [], [live, { status: 'CATCHING_UP' }])).toBe(true);
    expect(isReady(false, [], [live])).toBe(false);
    expect(isReady(true, [{ check: 'event_store', cause: 'LOCKED' }], [])).toBe(false);
    expect(isReady(true, [], [live, { status: 'FAILED' }])).toBe(false);
    expect(isReady(true, [], [{ status: 'REBUILDING' }])).toBe(false);
  });
});
