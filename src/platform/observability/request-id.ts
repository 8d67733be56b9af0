import { randomFillSync, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What an incoming `x-request-id` may be: ids as proxies and clients make them, bounded. */
const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** Whether `value` is what a request id may be (the correlation id of the events it caused). */
export const isRequestId = (value: string): boolean => REQUEST_ID.test(value);

/**
 * The request's id: the caller's `x-request-id` when it is a plausible id, else a new UUID. It is
 * returned in the response's `x-request-id`, logged, and recorded as the correlation id of every
 * event the request causes (R41).
 */
export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && isRequestId(incoming) ? incoming : randomUUID();
}

/** The id pino-http gave the request (see requestIdFor). */
export const requestIdOf = (req: IncomingMessage): string | undefined =>
  (req as IncomingMessage & { id?: unknown }).id as string | undefined;

/** A place in a W3C trace: the trace, a span in it (the caller's, or this server's), sampling. */
export interface TraceContext {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZEROS = /^0+$/;

/** A W3C `traceparent` (version 00) as the caller sent it, or undefined when absent or malformed. */
export function parseTraceparent(header: string | string[] | undefined): TraceContext | undefined {
  const match = typeof header === 'string' ? TRACEPARENT.exec(header.trim()) : null;
  if (!match || ZEROS.test(match[1]) || ZEROS.test(match[2])) return undefined;
  return { traceId: match[1], spanId: match[2], sampled: (parseInt(match[3], 16) & 1) === 1 };
}

/** Random bytes drawn from a pool filled 4 KB at a time: one call into the CSPRNG per 170 requests. */
const pool = Buffer.alloc(4096);
let drawn = pool.length;
function randomHex(bytes: number): string {
  if (drawn + bytes > pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  drawn += bytes;
  return pool.toString('hex', drawn - bytes, drawn);
}

/** Continues the caller's trace, or starts one, with a new span id for this server. */
export const newTraceContext = (parent: TraceContext | undefined): TraceContext => ({
  traceId: parent?.traceId ?? randomHex(16),
  spanId: randomHex(8),
  sampled: parent?.sampled ?? false,
});

export const formatTraceparent = (context: TraceContext): string =>
  `00-${context.traceId}-${context.spanId}-${context.sampled ? '01' : '00'}`;
