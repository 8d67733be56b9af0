import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { medianPercentiles, type Percentiles, summarize, type Summary } from './stats';

/** One measurement of the product or of the machine's limit. */
export interface Sample {
  value: number;
  latency?: Percentiles;
  /** Counters worth keeping beside the value (conflicts, errors, events…). */
  details?: Record<string, number>;
}

export interface Target {
  text: string;
  met: boolean;
}

export interface Figure {
  /** Stable key, e.g. `append.full.1w`. */
  id: string;
  /** The figure's number in bench/README.md (1–8). */
  figure: number;
  title: string;
  workload: string;
  unit: string;
  better: 'higher' | 'lower';
  product: Summary;
  limit: Summary;
  /** What the limit is: the same work done with raw better-sqlite3, a bare process, … */
  limitLabel: string;
  /** How close the product is to the limit: product/limit (higher is better) or limit/product. */
  ratio: number;
  latencyMs?: { product?: Percentiles; limit?: Percentiles };
  details?: Record<string, number>;
  targets: Target[];
}

export interface FigureSpec {
  id: string;
  figure: number;
  title: string;
  workload: string;
  unit: string;
  better?: 'higher' | 'lower';
  limitLabel: string;
  /** Targets judged on the finished figure. */
  targets?: (figure: Omit<Figure, 'targets'>) => Target[];
}

export function buildFigure(spec: FigureSpec, product: Sample[], limit: Sample[]): Figure {
  const better = spec.better ?? 'higher';
  const productSummary = summarize(product.map((sample) => sample.value));
  const limitSummary = summarize(limit.map((sample) => sample.value));
  const ratio =
    better === 'higher'
      ? productSummary.median / limitSummary.median
      : limitSummary.median / productSummary.median;
  const latency = (samples: Sample[]) => {
    const runs = samples.flatMap((sample) => (sample.latency ? [sample.latency] : []));
    return runs.length ? medianPercentiles(runs) : undefined;
  };
  const productLatency = latency(product);
  const limitLatency = latency(limit);
  const figure: Omit<Figure, 'targets'> = {
    id: spec.id,
    figure: spec.figure,
    title: spec.title,
    workload: spec.workload,
    unit: spec.unit,
    better,
    product: productSummary,
    limit: limitSummary,
    limitLabel: spec.limitLabel,
    ratio: Number.isFinite(ratio) ? ratio : 0,
    ...(productLatency || limitLatency
      ? { latencyMs: { product: productLatency, limit: limitLatency } }
      : {}),
    ...(product.some((sample) => sample.details) ? { details: medianDetails(product) } : {}),
  };
  return { ...figure, targets: spec.targets?.(figure) ?? [] };
}

function medianDetails(samples: Sample[]): Record<string, number> {
  const keys = new Set(samples.flatMap((sample) => Object.keys(sample.details ?? {})));
  return Object.fromEntries(
    [...keys].map((key) => [key, summarize(samples.map((s) => s.details?.[key] ?? 0)).median]),
  );
}

export interface Report {
  startedAt: string;
  finishedAt: string;
  mode: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    platform: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
  };
  notes: string[];
  figures: Figure[];
}

export function machineInfo(loadAverageAtStart: number[]): Report['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverageAtStart,
    loadAverageAtEnd: loadavg(),
  };
}

export function writeReport(file: string, report: Report): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

const number = (value: number): string => {
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
};

const range = (summary: Summary) => `${number(summary.min)}–${number(summary.max)}`;

const latencyText = (latency?: Percentiles) =>
  latency
    ? `${number(latency.p50)} / ${number(latency.p95)} / ${number(latency.p99)} / ${number(latency.p999)}`
    : '';

/** The table `npm run bench` prints: one row per figure, product beside the limit. */
export function renderTable(figures: readonly Figure[]): string {
  const header = [
    '#',
    'figure',
    'unit',
    'product (min–max)',
    'limit (min–max)',
    'ratio',
    'p50 / p95 / p99 / p99.9 ms',
    'target',
  ];
  const rows = figures.map((figure) => [
    String(figure.figure),
    figure.title,
    figure.unit,
    `${number(figure.product.median)} (${range(figure.product)})`,
    `${number(figure.limit.median)} (${range(figure.limit)})`,
    figure.ratio.toFixed(2),
    latencyText(figure.latencyMs?.product),
    figure.targets.map((target) => `${target.met ? 'met' : 'MISSED'}: ${target.text}`).join('; '),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ');
  return [
    line(header),
    widths.map((width) => '-'.repeat(width)).join('-|-'),
    ...rows.map(line),
  ].join('\n');
}
