import {
  InvalidSettingsError,
  loadSettings,
  MAX_TIMER_MS,
  SETTING_NAMES,
} from '../../../src/platform/config/settings';

const DURATIONS = SETTING_NAMES.filter((name) => name.endsWith('_MS'));

describe('durations the server waits with a timer', () => {
  it.each(DURATIONS)(
    '%s past the longest timer Node.js keeps (it would wait 1 ms instead) stops the start, naming it',
    (name) => {
      const load = () => loadSettings({ [name]: String(MAX_TIMER_MS + 1) });
      expect(load).toThrow(InvalidSettingsError);
      expect(load).toThrow(name);
    },
  );

  it('READ_YOUR_WRITES_TIMEOUT_MS and INTEGRITY_CHECK_INTERVAL_MS of about 24 days are kept as given', () => {
    const settings = loadSettings({
      READ_YOUR_WRITES_TIMEOUT_MS: String(MAX_TIMER_MS),
      INTEGRITY_CHECK_INTERVAL_MS: String(MAX_TIMER_MS),
    });
    expect(settings.READ_YOUR_WRITES_TIMEOUT_MS).toBe(MAX_TIMER_MS);
    expect(settings.INTEGRITY_CHECK_INTERVAL_MS).toBe(MAX_TIMER_MS);
  });
});
