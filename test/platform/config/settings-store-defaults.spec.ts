import { loadSettings } from '../../../src/platform/config/settings';

describe('PROJECTION_MAX_LAG, unset', () => {
  it('is 10,000 positions on SQLite, where a position is an event', () => {
    expect(loadSettings({}).PROJECTION_MAX_LAG).toBe(10_000);
  });

  it('is 10,000,000 on EventStoreDB, where a position is a byte of the log (10,000 bytes are a handful of events: writes would be refused at once)', () => {
    const settings = loadSettings({ EVENTSTORE_URL: 'esdb://localhost:2113?tls=false' });
    expect(settings.PROJECTION_MAX_LAG).toBe(10_000_000);
  });

  it('is what it is set to on either store, 0 (off) included', () => {
    expect(
      loadSettings({ EVENTSTORE_URL: 'esdb://a:2113', PROJECTION_MAX_LAG: '0' }),
    ).toMatchObject({ PROJECTION_MAX_LAG: 0 });
    expect(loadSettings({ PROJECTION_MAX_LAG: '500' })).toMatchObject({ PROJECTION_MAX_LAG: 500 });
  });
});
