import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { mintToken } from '../../src/platform/auth/token-minter';
import type { BenchOptions } from '../lib/options';
import { buildFigure, type Figure, type Sample } from '../lib/report';
import { inScratchDir } from '../lib/scratch';
import { BENCH_SECRET, startServer } from '../lib/server';
import { Latencies, nowMs } from '../lib/stats';

const WINDOWS = 10;
const INVITE =
  'mutation { requestResellerRelationship(input: { includeDelegatedAdmin: true }) { id } }';

interface Window {
  latency: Latencies;
  rssMb: number;
  failed: number;
}

/** Failed writes by the answer's code (`NETWORK` when none came). */
const failures = new Map<string, number>();
const fail = (window: Window, code: string) => {
  window.failed += 1;
  failures.set(code, (failures.get(code) ?? 0) + 1);
};

const rssMbOf = (pid: number): number => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};

/**
 * Figure 8: a steady write rate held for `soak.seconds` (`--soak-seconds`) against the server in
 * its own process: each write's latency and the server's RSS, per tenth of the run. Flat means the
 * last tenth looks like the first (after warm-up): no growing memory, no creeping latency.
 */
export async function soakFigures(options: BenchOptions): Promise<Figure[]> {
  const { seconds, writesPerSecond } = options.sizes.soak;
  failures.clear();
  return inScratchDir(async (dir) => {
    const server = await startServer(dir);
    try {
      const token = await mintToken(
        BENCH_SECRET,
        {
          sub: 'soak',
          name: 'Soak',
          tid: 'soak-partner',
          tenant_kind: 'partner',
          tenant_name: 'Soak Partner',
          roles: ['AdminAgent'],
        },
        { ttl: '12h' },
      );
      const windows: Window[] = [];
      const windowMs = (seconds * 1000) / WINDOWS;
      const started = nowMs();
      const inFlight = new Set<Promise<void>>();
      let issued = 0;
      const write = async (window: Window) => {
        const sent = nowMs();
        try {
          const response = await fetch(`${server.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: INVITE }),
          });
          const body = (await response.json()) as {
            data?: { requestResellerRelationship?: unknown };
            errors?: { extensions?: { code?: string } }[];
          };
          if (!body.data?.requestResellerRelationship) {
            fail(window, body.errors?.[0]?.extensions?.code ?? `HTTP_${response.status}`);
          }
        } catch {
          fail(window, 'NETWORK');
        }
        window.latency.record(nowMs() - sent);
      };
      for (let index = 0; index < WINDOWS; index++) {
        const window: Window = { latency: new Latencies(), rssMb: 0, failed: 0 };
        windows.push(window);
        const end = started + (index + 1) * windowMs;
        // Open loop: writes go out on schedule whether or not earlier ones have answered.
        while (nowMs() < end) {
          const due = Math.floor(((nowMs() - started) * writesPerSecond) / 1000);
          while (issued < due) {
            issued += 1;
            const pending = write(window).finally(() => inFlight.delete(pending));
            inFlight.add(pending);
          }
          await sleep(2);
        }
        window.rssMb = rssMbOf(server.child.pid!);
        const p = window.latency.percentiles();
        options.log(
          `    ${index + 1}/${WINDOWS}: ${p.count} writes answered so far, p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms, RSS ${window.rssMb.toFixed(0)} MB${window.failed ? `, ${window.failed} failed` : ''}`,
        );
      }
      await Promise.allSettled(inFlight);
      return figuresOf(windows, seconds, writesPerSecond, issued / ((nowMs() - started) / 1000));
    } finally {
      await server.stop();
    }
  });
}

function figuresOf(windows: Window[], seconds: number, rate: number, achieved: number): Figure[] {
  // The first tenth warms up (JIT, caches, SQLite pages): the second is the baseline.
  const baseline = windows[Math.min(1, windows.length - 1)];
  const last = windows[windows.length - 1];
  const failed = windows.reduce((sum, window) => sum + window.failed, 0);
  const workload = `${rate} invitation requests/s for ${seconds} s, one caller, server in its own process; ${WINDOWS} windows`;
  const perWindow = (pick: (window: Window) => number) =>
    Object.fromEntries(
      windows.map((window, index) => [`w${index + 1}`, Math.round(pick(window) * 10) / 10]),
    );
  const sample = (window: Window, value: number): Sample => ({
    value,
    latency: window.latency.percentiles(),
  });
  const latency = buildFigure(
    {
      id: 'soak.latency',
      figure: 8,
      title: 'write latency p99 at a steady rate, last window',
      workload,
      unit: 'ms',
      better: 'lower',
      limitLabel: 'the same run, second window (after warm-up)',
      targets: (figure) => [
        { text: 'last window p99 within 1.5× the second window', met: figure.ratio >= 1 / 1.5 },
        { text: 'every write answered', met: failed === 0 },
      ],
    },
    [sample(last, last.latency.percentiles().p99)],
    [sample(baseline, baseline.latency.percentiles().p99)],
  );
  latency.details = {
    ...Object.fromEntries(
      Object.entries(perWindow((w) => w.latency.percentiles().p99)).map(([k, v]) => [
        `p99.${k}`,
        v,
      ]),
    ),
    failed,
    ...Object.fromEntries([...failures].map(([code, count]) => [`failed.${code}`, count])),
    achievedPerSecond: Math.round(achieved * 10) / 10,
  };
  const rss = buildFigure(
    {
      id: 'soak.rss',
      figure: 8,
      title: 'server RSS at a steady write rate, end of run',
      workload,
      unit: 'MB',
      better: 'lower',
      limitLabel: 'the same run, end of the second window',
      targets: (figure) => [
        {
          text: 'RSS grows less than 20 % from the second window to the end',
          met: figure.ratio >= 1 / 1.2,
        },
      ],
    },
    [{ value: last.rssMb }],
    [{ value: baseline.rssMb }],
  );
  rss.details = Object.fromEntries(
    Object.entries(perWindow((w) => w.rssMb)).map(([k, v]) => [`rss.${k}`, v]),
  );
  return [latency, rss];
}
