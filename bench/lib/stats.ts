import { performance } from 'node:perf_hooks';

export const nowMs = (): number => performance.now();

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** The median, min and max of one figure over several runs, and every run's value. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function summarize(values: readonly number[]): Summary {
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    runs: [...values],
  };
}

/** Nearest-rank percentiles over every sample (no histogram buckets, no averaging). */
export function percentilesOf(samples: Float64Array): Percentiles {
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  return {
    count: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    p999: at(0.999),
    max: sorted.length ? sorted[sorted.length - 1] : 0,
  };
}

/** Each percentile's median over the runs: the latency counterpart of `summarize`. */
export function medianPercentiles(runs: readonly Percentiles[]): Percentiles {
  const of = (key: keyof Percentiles) => median(runs.map((run) => run[key]));
  return {
    count: of('count'),
    p50: of('p50'),
    p95: of('p95'),
    p99: of('p99'),
    p999: of('p999'),
    max: of('max'),
  };
}

/** Collects latencies (ms) without allocating per sample. */
export class Latencies {
  private samples = new Float64Array(1024);
  private size = 0;

  record(ms: number): void {
    if (this.size === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.size++] = ms;
  }

  get count(): number {
    return this.size;
  }

  percentiles(): Percentiles {
    return percentilesOf(this.samples.subarray(0, this.size));
  }
}
