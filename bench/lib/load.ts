import autocannon from 'autocannon';
import type { Sample } from './report';
import { Latencies, nowMs } from './stats';

export interface GraphQLCall {
  token: string;
  query: string;
  variables?: Record<string, unknown>;
}

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds; or a fixed number of requests with `amount`. */
  duration?: number;
  amount?: number;
  /** The next request: a pool of distinct mutations, or the same query again. */
  next: () => GraphQLCall;
  /** A response that fails this counts as failed (GraphQL errors, a stale read…). */
  check: (body: { data?: any; errors?: unknown[] }) => boolean;
}

/**
 * Drives POST /graphql with autocannon at a fixed number of connections and measures every
 * response's latency itself (autocannon's histogram is whole milliseconds, without p95).
 */
export function loadGraphQL(options: LoadOptions): Promise<Sample> {
  const latencies = new Latencies();
  let failed = 0;
  let firstFailure: string | undefined;
  // From the first request sent to the last answer: autocannon's own clock ticks in whole seconds.
  let first = 0;
  let last = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${options.url}/graphql`,
        connections: options.connections,
        ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? 1 }),
        timeout: 30,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => {
              if (first === 0) first = nowMs();
              const call = options.next();
              return {
                ...request,
                headers: {
                  'content-type': 'application/json',
                  authorization: `Bearer ${call.token}`,
                },
                body: JSON.stringify({ query: call.query, variables: call.variables }),
              };
            },
            onResponse: (status, body) => {
              let ok = false;
              try {
                ok = status === 200 && options.check(JSON.parse(body));
              } catch {
                ok = false;
              }
              if (!ok) {
                failed += 1;
                firstFailure ??= `${status} ${body.slice(0, 300)}`;
              }
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        const seconds = (last - first) / 1000;
        resolve({
          value: latencies.count / seconds,
          latency: latencies.percentiles(),
          details: { requests: latencies.count, failed, errors: result.errors + result.timeouts },
          ...(firstFailure ? { firstFailure } : {}),
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
      last = nowMs();
      latencies.record(ms);
    });
  });
}
