import { logCatchUpProgress, progressOf } from '../../../src/platform/health/catch-up-progress';
import type { ProjectionStatus } from '../../../src/platform/projection-engine/projection';
import type { Projector } from '../../../src/platform/projection-engine/projector';

const status = (name: string, checkpoint: number, lag: number): ProjectionStatus => ({
  name,
  version: 1,
  checkpoint,
  lag,
  status: lag > 0 ? 'CATCHING_UP' : 'LIVE',
  deadLetters: 0,
});

describe('catch-up progress', () => {
  it('is the slowest working read model against the head; a failed one does not hold it back', () => {
    expect(
      progressOf([
        status('customers', 4_000, 6_000),
        status('audit', 2_500, 7_500),
        { ...status('users', 10, 9_990), status: 'FAILED' },
      ]),
    ).toEqual({ head: 10_000, applied: 2_500, percent: 25 });
    expect(progressOf([status('customers', 0, 0)])).toEqual({ head: 0, applied: 0, percent: 100 });
  });

  it('is logged every interval with the rate and the time left, until stopped', async () => {
    // The read models move by 1,000 positions between two looks.
    let applied = 0;
    const engine = {
      status: () => {
        applied += 1_000;
        return Promise.resolve([status('customers', applied, 10_000 - applied)]);
      },
    } as unknown as Projector;
    const lines: string[] = [];
    const stop = logCatchUpProgress(engine, (line) => lines.push(line), 20);
    while (lines.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    stop();
    const logged = lines.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(lines.length).toBe(logged);
    expect(lines[0]).toBe('catching up: position 1,000 of 10,000 (10 %)');
    expect(lines[1]).toMatch(
      /^catching up: position 2,000 of 10,000 \(20 %\), [\d,]+ positions\/s, about \d+ s left$/,
    );
  });
});
