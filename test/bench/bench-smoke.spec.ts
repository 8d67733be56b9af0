import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchUsageError, parseOptions } from '../../bench/lib/options';
import type { Report } from '../../bench/lib/report';
import { runBench } from '../../bench/run';
import { PROJECTIONS } from '../../src/capabilities';

// Keeps `npm run bench` working: the in-process figures on tiny sizes. It asserts the report's
// shape, never a timing. The GraphQL and start-up figures spawn servers and are left to --quick.
describe('npm run bench (smoke, tiny sizes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures product and limit for each in-process figure and writes the JSON report', async () => {
    const out = join(dir, 'latest.json');
    const options = parseOptions([
      '--tiny',
      '--only',
      'append,command,rebuild,rebuild-each,lag,revocation,page-growth,rebuild-writes',
      '--out',
      out,
    ]);
    const report = await runBench({ ...options, log: () => undefined });

    const eachProjection = PROJECTIONS.map(() => 3);
    expect(report.figures.map((figure) => figure.figure)).toEqual([
      ...[1, 1, 1, 1, 2, 2, 3],
      ...eachProjection,
      ...[5, 7, 12, 12, 12, 13],
    ]);
    for (const figure of report.figures) {
      expect(figure.product.runs).toHaveLength(1);
      expect(figure.limit.runs).toHaveLength(1);
      expect(figure.product.median).toBeGreaterThan(0);
      expect(figure.limit.median).toBeGreaterThan(0);
      expect(Number.isFinite(figure.ratio)).toBe(true);
    }
    expect(report.figures.find((figure) => figure.id === 'command.1w')?.details).toEqual({
      refused: 0,
    });
    expect(report.figures.find((figure) => figure.figure === 7)?.details).toMatchObject({
      refusedRemovals: 0,
    });
    // The past page lists the partner's own two subscriptions of each of its 50 customers only.
    const pastPage = report.figures.find((figure) => figure.id.startsWith('page-growth.past-page'));
    expect(pastPage?.details).toEqual({ listed: 100 * options.sizes.pastPage.requests });
    expect(JSON.parse(readFileSync(out, 'utf8')) as Report).toEqual(report);
  }, 120_000);

  it('refuses an unknown option, a missing value and an unknown figure as usage errors', () => {
    for (const argv of [['--bogus'], ['--runs'], ['--only', 'nope'], ['--runs', '0']]) {
      expect(() => parseOptions(argv)).toThrow(BenchUsageError);
    }
  });
});
