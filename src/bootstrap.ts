import type { INestApplication } from '@nestjs/common';
import { isUtf8 } from 'node:buffer';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { DestinationStream } from 'pino';
import { AppModule, type AppOptions } from './app.module';
import { TokenVerifier } from './platform/auth/token-verifier';
import { CallerWrites } from './platform/consistency/caller-writes';
import { consistencyTokenMiddleware } from './platform/consistency/consistency-token.middleware';
import { responseSizeCap } from './platform/graphql/response-size-cap';
import { corsOptions } from './platform/http/cors';
import { graphqlIde } from './platform/ide/ide.middleware';
import { PinoLogger, rootLogger } from './platform/observability/logger';
import { Metrics } from './platform/observability/metrics';
import { requestLogging } from './platform/observability/request-logging';
import { requestMetrics } from './platform/observability/request-metrics';
import { PROJECTOR, type Projector } from './platform/projection-engine/projector';
import { EVENT_STORE, type EventStore } from './platform/event-store/event-store';
import { CallerRateLimit } from './platform/security/caller-rate-limit';
import { graphqlGate } from './platform/security/graphql-gate';
import { HardenedExpressAdapter } from './platform/security/hardened-express-adapter';
import { GracefulShutdown } from './platform/server/graceful-shutdown';

const MAX_BODY = '1mb';
const NOT_UTF8 = 'body.not-utf8';

/**
 * JSON is UTF-8: a body with bytes that are not (decoded, they would be stored as U+FFFD for
 * good) is refused before it is parsed.
 */
function refuseNonUtf8(_req: unknown, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw Object.assign(new Error(NOT_UTF8), { status: 400, type: NOT_UTF8 });
}

/**
 * Answers 413 for oversized bodies, 415 for bodies in a charset or encoding other than JSON's
 * (body-parser's own status), and 400 for bodies that are not UTF-8 or not JSON, before GraphQL
 * sees them.
 */
function bodyErrors(
  error: { status?: number; type?: string; message?: string },
  _req: Request,
  res: Response,
  next: NextFunction,
) {
  if (!error?.status || error.status >= 500) return next(error);
  const code = error.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
  const message =
    error.status === 413
      ? `Request bodies are limited to ${MAX_BODY}.`
      : error.status === 415
        ? `The request body must be JSON in UTF-8, uncompressed or gzip/deflate/br (${error.message ?? 'unsupported'}).`
        : error.type === NOT_UTF8
          ? 'The request body is not valid UTF-8: JSON is UTF-8. Nothing was run.'
          : 'The request body is not valid JSON.';
  res.status(error.status).json({ errors: [{ message, extensions: { code } }] });
}

export interface ServerOptions extends AppOptions {
  /** Where the JSON logs go; stdout when omitted. */
  logDestination?: DestinationStream;
}

export async function createApp(options: ServerOptions): Promise<INestApplication> {
  const { settings } = options;
  const logger = rootLogger(settings.LOG_LEVEL, options.logDestination);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(options),
    new HardenedExpressAdapter(settings),
    // A failed start is thrown to its caller, which says what mends it (failureMessage).
    { bodyParser: false, logger: new PinoLogger(logger), abortOnError: false },
  );
  const shutdown = app.get(GracefulShutdown);
  app.use(shutdown.middleware(), ...requestLogging(logger), requestMetrics(app.get(Metrics)));
  const cors = corsOptions(settings);
  if (cors) app.enableCors(cors);
  // The IDE is a page for browsers (GET): before the gate, which wants a token.
  if (settings.GRAPHQL_IDE === 'on') app.use(graphqlIde());
  const gate = graphqlGate(app.get(TokenVerifier), app.get(CallerRateLimit), settings);
  app.use('/graphql', ...gate.beforeBody);
  app.useBodyParser('json', { limit: MAX_BODY, verify: refuseNonUtf8 });
  app.use(bodyErrors);
  app.use('/graphql', ...gate.afterBody);
  app.use('/graphql', responseSizeCap(settings.GRAPHQL_MAX_RESPONSE_BYTES));
  app.use(
    '/graphql',
    consistencyTokenMiddleware(
      app.get<Projector>(PROJECTOR),
      app.get<EventStore>(EVENT_STORE),
      settings,
      app.get(CallerWrites),
    ),
  );
  shutdown.stopOnSignals(app);
  return app;
}
