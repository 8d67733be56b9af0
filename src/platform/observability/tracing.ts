import {
  context,
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  trace,
  TraceFlags,
} from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace';
import type { Settings } from '../config/settings';
import { productVersion } from '../config/version';

const TRACER = 'partner-ledger';
export const tracer = () => trace.getTracer(TRACER);

let started = false;
/** Whether this process (or thread) sends spans; off, the request path skips the span API. */
export const tracingOn = (): boolean => started;

type TracingSettings = Pick<
  Settings,
  'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_SDK_DISABLED'
>;

/** Where spans go (OTLP over HTTP, JSON), or undefined: tracing is off unless an endpoint is set. */
export function tracesEndpoint(settings: TracingSettings): string | undefined {
  if (settings.OTEL_SDK_DISABLED === 'true') return undefined;
  if (settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
    return settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = settings.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? `${base.replace(/\/$/, '')}/v1/traces` : undefined;
}

/**
 * How long a stop waits for the collector to take the spans still pending: a collector that is
 * down or silent (the exporter's own timeout is 10 s) must not hold a SIGTERM up, nor fail it.
 */
export const FINAL_FLUSH_MS = 2_000;

/** Stops tracing; answers why the pending spans were not sent, or undefined once they were. Never rejects. */
export type StopTracing = () => Promise<string | undefined>;

/**
 * Starts OpenTelemetry tracing for this process (or worker thread) when an OTLP endpoint is set:
 * a tracer provider exporting in batches, and AsyncLocalStorage to carry the active span. The
 * exporter reads the other standard variables itself (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, …),
 * the resource OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, the sampler OTEL_TRACES_SAMPLER.
 * Returns the stop function (sends what is pending, for up to FINAL_FLUSH_MS), or undefined when
 * tracing is off.
 */
export function startTracing(
  settings: TracingSettings,
  attributes: Record<string, string> = {},
): StopTracing | undefined {
  const url = tracesEndpoint(settings);
  if (!url) return undefined;
  // Loaded only when tracing is on.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const sdk = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { AsyncLocalStorageContextManager } =
    require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const resources =
    require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const resource = resources
    .defaultResource()
    .merge(
      resources.resourceFromAttributes({
        'service.name': 'partner-ledger',
        'service.version': productVersion(),
        ...attributes,
      }),
    )
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new sdk.TracerProvider({
    resource,
    sampler: samplerFromEnv(sdk),
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }) })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  started = true;
  return async () => {
    started = false;
    try {
      return await finalFlush(provider.shutdown(), url);
    } finally {
      trace.disable();
      context.disable();
    }
  };
}

async function finalFlush(shutdown: Promise<void>, url: string): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(`the collector at ${url} took no spans within ${FINAL_FLUSH_MS} ms`),
      FINAL_FLUSH_MS,
    );
  });
  try {
    return await Promise.race([
      shutdown.then(
        () => undefined,
        (error: unknown) =>
          `the collector at ${url} refused them: ${error instanceof Error ? error.message : String(error)}`,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG as the specification names them; parent-based always-on by default. */
function samplerFromEnv(sdk: typeof import('@opentelemetry/sdk-trace')): Sampler {
  const ratio = Number(process.env.OTEL_TRACES_SAMPLER_ARG ?? 1);
  const root = (name: string): Sampler =>
    name === 'always_off'
      ? new sdk.AlwaysOffSampler()
      : name === 'traceidratio'
        ? new sdk.TraceIdRatioBasedSampler(Number.isFinite(ratio) ? ratio : 1)
        : new sdk.AlwaysOnSampler();
  const name = process.env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on';
  return name.startsWith('parentbased_')
    ? new sdk.ParentBasedSampler({ root: root(name.slice('parentbased_'.length)) })
    : root(name);
}

/** A context whose parent is the caller's span from its `traceparent`. */
export function remoteParent(traceId: string, spanId: string, sampled: boolean): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId,
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
}

/** Runs `work` in a span (the active one meanwhile); a thrown error marks it failed. */
export async function inSpan<T>(
  name: string,
  attributes: Record<string, string | number>,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The same for synchronous work (the projections' read-store transaction). */
export function inSpanSync<T>(
  name: string,
  attributes: Record<string, string | number>,
  work: () => T,
): T {
  return tracer().startActiveSpan(name, { attributes }, (span) => {
    try {
      return work();
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

export function failed(span: Span, error: unknown): void {
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}
