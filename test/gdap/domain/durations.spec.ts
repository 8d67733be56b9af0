import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { addDuration } from '../../../src/gdap/domain/durations';
import { SOURCE_LOADER } from '../../../src/platform/common/worker-file';

/** End dates and R60's check of P1D, computed in a process whose time zone is `TZ`. */
const IN_A_ZONE = `
const { addDuration, checkRelationshipDuration } = require(process.env.DURATIONS);
const ends = JSON.parse(process.env.CASES).map(([start, duration]) =>
  addDuration(new Date(start), duration).toISOString(),
);
const allowed = ['P1D', 'PT24H'].map((duration) => {
  try {
    return checkRelationshipDuration(duration, new Date('2026-03-28T12:00:00.000Z'));
  } catch (error) {
    return error.message;
  }
});
console.log(JSON.stringify({ ends, allowed }));
`;

// Berlin and Los Angeles move their clocks forward on 29 and 8 March 2026, back in the autumn.
const CASES: [string, string, string][] = [
  ['2026-03-28T12:00:00.000Z', 'P1D', '2026-03-29T12:00:00.000Z'],
  ['2026-03-07T12:00:00.000Z', 'PT24H', '2026-03-08T12:00:00.000Z'],
  ['2026-03-28T12:00:00.000Z', 'P2Y', '2028-03-28T12:00:00.000Z'],
  ['2026-09-01T00:00:00.000Z', 'P180D', '2027-02-28T00:00:00.000Z'],
  ['2026-03-28T12:00:00.000Z', 'P1M1W2DT3H4M5S', '2026-05-07T15:04:05.000Z'],
];

describe('GDAP durations on the UTC calendar', () => {
  it.each(['UTC', 'Europe/Berlin', 'America/Los_Angeles'])(
    'R60, R62, R63: on a server in time zone %s a day lasts 24 hours: P1D is allowed and end dates keep the hour',
    async (zone) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['-r', SOURCE_LOADER, '-e', IN_A_ZONE],
        {
          env: {
            ...process.env,
            TZ: zone,
            DURATIONS: resolve(__dirname, '../../../src/gdap/domain/durations.ts'),
            CASES: JSON.stringify(CASES.map(([start, duration]) => [start, duration])),
          },
        },
      );
      expect(JSON.parse(stdout)).toEqual({
        ends: CASES.map(([, , end]) => end),
        allowed: ['P1D', 'PT24H'],
      });
    },
    30_000,
  );

  it('R60: a month or year past the end of a shorter one rolls over, as the calendar does', () => {
    expect(addDuration(new Date('2028-02-29T08:00:00.000Z'), 'P1Y').toISOString()).toBe(
      '2029-03-01T08:00:00.000Z',
    );
    expect(addDuration(new Date('2026-01-31T08:00:00.000Z'), 'P1M').toISOString()).toBe(
      '2026-03-03T08:00:00.000Z',
    );
  });
});
