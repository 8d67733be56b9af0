import { loadSettings } from '../../../src/platform/config/settings';

describe('an empty environment value', () => {
  it('is the same as unset: its default, not a coerced 0 that switches a limit off', () => {
    const defaults = loadSettings({});
    const empty = loadSettings({
      RATE_LIMIT_PER_MINUTE: '',
      PORT: ' ',
      DISK_FREE_MIN_BYTES: '',
      PROJECTION_MAX_LAG: '',
      INTEGRITY_CHECK_INTERVAL_MS: '',
      NOT_READY_WAIT_MS: '\t',
      STORE_LOCK_WAIT_MS: '',
      AUTH_SECRET: '',
    });
    expect(empty).toEqual(defaults);
    expect(empty.RATE_LIMIT_PER_MINUTE).toBe(600);
    expect(empty.PORT).toBe(3000);
  });
});
