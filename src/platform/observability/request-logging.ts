import {
  context as otel,
  type Context,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { endedOutcome, FAULT_CODES, graphqlOutcomeOf, truncate } from './graphql-outcome';
import { requestLogs } from './request-logs';
import {
  formatTraceparent,
  newTraceContext,
  parseTraceparent,
  requestIdFor,
  type TraceContext,
} from './request-id';
import { remoteParent, tracer, tracingOn } from './tracing';

/** Probes and scrapes come every few seconds: logged at debug, not in the request log. */
const QUIET_PATHS = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

const traces = new WeakMap<IncomingMessage, TraceContext>();

/** The path as the client sent it (Express rewrites `url` inside mounted routers), no query. */
const pathOf = (req: IncomingMessage & { originalUrl?: string }) =>
  truncate((req.originalUrl ?? req.url ?? '').split('?')[0], 200);

/**
 * pino-http logs every 5xx with an error it makes up ("failed with status code 503") and that
 * error's stack; a 503 the server answers on purpose (NOT_READY) is not a fault and has no stack.
 */
const meantAnswer = (res: ServerResponse, error: Error) =>
  res.statusCode === 503 && error.message === 'failed with status code 503';
const withoutErr = ({ err: _err, ...rest }: { err?: unknown }) => rest;

/**
 * One log line per HTTP request, when it ends: method, path, status, duration, request and trace
 * ids, and for GraphQL the operation (root field), the caller's tenant and user, and the outcome
 * code; a refusal with its code, rule and message (truncated). Faults are errors, refusals info.
 * Sets `x-request-id` and `traceparent` on the response, and runs the rest of the request with
 * its logger in scope, so everything logged meanwhile carries the request id.
 */
export function requestLogging(logger: Logger): RequestHandler[] {
  const http = pinoHttp({
    logger,
    quietReqLogger: true,
    wrapSerializers: false,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    genReqId: (req, res) => {
      const id = requestIdFor(req);
      res.setHeader('x-request-id', id);
      return id;
    },
    serializers: {
      req: (req: IncomingMessage) => ({ method: req.method, path: pathOf(req) }),
      // A client that left before its answer was delivered got no status.
      res: (res: ServerResponse) => ({ statusCode: res.writableFinished ? res.statusCode : null }),
    },
    customLogLevel: (req, res, error) => {
      if (error || FAULT_CODES.has(graphqlEnding(req, res)?.outcome ?? '')) {
        return 'error';
      }
      // 503 is an answer the server means (NOT_READY while starting or past a consistency-token
      // wait): below error, as refusals are. A probe saying not ready is information.
      if (res.statusCode === 503) return QUIET_PATHS.has(pathOf(req)) ? 'info' : 'warn';
      if (res.statusCode >= 500) return 'error';
      return QUIET_PATHS.has(pathOf(req)) ? 'debug' : 'info';
    },
    customSuccessObject: (req, res, value: object) => ({ ...value, ...describe(req, res) }),
    customErrorObject: (req, res, error, value: object) =>
      meantAnswer(res, error)
        ? { ...withoutErr(value), ...describe(req, res) }
        : { ...value, ...describe(req, res) },
    customSuccessMessage: (req, res) => summary(req, res),
    customErrorMessage: (req, res) => summary(req, res),
  });
  const traceContext = (req: Request, res: Response, next: NextFunction) => {
    const incoming = parseTraceparent(req.headers.traceparent);
    if (!tracingOn()) {
      const context = newTraceContext(incoming);
      traces.set(req, context);
      res.setHeader('traceparent', formatTraceparent(context));
      return next();
    }
    const { span, context, active } = serverSpan(req, incoming);
    traces.set(req, context);
    res.setHeader('traceparent', formatTraceparent(context));
    res.once('close', () => {
      const graphql = graphqlEnding(req, res);
      span.setAttribute('http.response.status_code', res.statusCode);
      if (graphql) {
        span.setAttributes({
          'graphql.operation': graphql.operation,
          'ledger.outcome': graphql.outcome,
        });
      }
      if (res.statusCode >= 500 || FAULT_CODES.has(graphql?.outcome ?? '')) {
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    });
    otel.with(active, next);
  };
  const inScope = (req: Request, _res: Response, next: NextFunction) =>
    requestLogs.run(req.log, next);
  return [traceContext, http, inScope];
}

/**
 * This server's span for the request, child of the caller's `traceparent` when it sent one. A span
 * the sampler drops has no id of its own: the ids are made here then.
 */
function serverSpan(
  req: Request,
  incoming: TraceContext | undefined,
): { span: Span; context: TraceContext; active: Context } {
  const parent = incoming
    ? remoteParent(incoming.traceId, incoming.spanId, incoming.sampled)
    : ROOT_CONTEXT;
  const span = tracer().startSpan(
    `${req.method} ${pathOf(req)}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': req.method, 'url.path': pathOf(req) },
    },
    parent,
  );
  const own = span.spanContext();
  const context =
    isSpanContextValid(own) && own.spanId !== incoming?.spanId
      ? { traceId: own.traceId, spanId: own.spanId, sampled: (own.traceFlags & 1) === 1 }
      : newTraceContext(incoming);
  return { span, context, active: trace.setSpan(parent, span) };
}

/** Whether the request was for GraphQL over HTTP (one refused before GraphQL has noted nothing). */
const isGraphQL = (req: IncomingMessage) =>
  /^\/graphql\/?$/i.test(pathOf(req)) || graphqlOutcomeOf(req) !== undefined;

/** How a GraphQL request over HTTP ended (endedOutcome); undefined for any other request. */
export const graphqlEnding = (req: IncomingMessage, res: ServerResponse) =>
  endedOutcome(req, res, isGraphQL(req));

function describe(req: IncomingMessage, res: ServerResponse): object {
  const graphql = graphqlEnding(req, res);
  return {
    traceId: traces.get(req)?.traceId,
    ...(graphql
      ? {
          operation: graphql.operation,
          operationType: graphql.operationType,
          operationName: graphql.operationName,
          caller: graphql.actor,
          outcome: graphql.outcome,
          refusal: graphql.refusal,
        }
      : {}),
  };
}

function summary(req: IncomingMessage, res: ServerResponse): string {
  const graphql = graphqlEnding(req, res);
  const what = graphql ? ` ${graphql.operation} ${graphql.outcome}` : '';
  const status = res.writableFinished ? res.statusCode : 'aborted before its answer was delivered';
  return `${req.method} ${pathOf(req)} ${status}${what}`;
}
