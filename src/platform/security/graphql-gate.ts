import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { TokenVerifier } from '../auth/token-verifier';
import type { Settings } from '../config/settings';
import { noteGraphQLOutcome, truncate } from '../observability/graphql-outcome';
import { type Caller, callerOf, currentCaller, setCaller } from './caller';
import { CallerRateLimit } from './caller-rate-limit';

type GateSettings = Pick<Settings, 'GRAPHQL_INTROSPECTION'>;

/** Answers before GraphQL reads the document; the request's log line and metrics still say why. */
function refuse(req: Request, res: Response, status: number, code: string, message: string) {
  const actor = callerOf(req)?.verified?.actor;
  noteGraphQLOutcome(req, {
    operation: '-',
    outcome: code,
    refusal: { code, message: truncate(message) },
    ...(actor ? { actor: { tenantId: actor.tenantId, userId: actor.userId } } : {}),
  });
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** The first string in a JSON body that is not well-formed Unicode (a lone surrogate), by path. */
export function malformedStringPath(value: unknown, path = 'body'): string | null {
  if (typeof value === 'string') return value.isWellFormed() ? null : path;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    const found = malformedStringPath(key, path) ?? malformedStringPath(child, `${path}.${key}`);
    if (found) return found.length > 100 ? `${found.slice(0, 100)}…` : found;
  }
  return null;
}

/**
 * Everything a GraphQL request over HTTP passes before GraphQL parses it:
 * - the bearer token is verified once (GraphQL's context and the response cache reuse the result);
 * - per-caller rate limit (caller-rate-limit.ts, a budget graphql-ws shares; 429 RATE_LIMITED);
 * - strings must be well-formed Unicode: a lone surrogate stays in an event's JSON but becomes
 *   U+FFFD in a read model's text column, and audit verify would then see a mismatch
 *   (400 INVALID_INPUT);
 * - without a valid token nothing is parsed, validated or kept (401 UNAUTHENTICATED), unless
 *   GRAPHQL_INTROSPECTION=anyone lets anonymous callers read the schema (development).
 */
export function graphqlGate(
  verifier: TokenVerifier,
  rateLimit: CallerRateLimit,
  settings: GateSettings,
): RequestHandler[] {
  const identify: RequestHandler = (req, _res, next) => {
    const authorization = req.headers.authorization;
    if (!authorization) {
      setCaller(req, {});
      return next();
    }
    verifier.verifyToken(authorization).then(
      (verified) => {
        setCaller(req, { verified });
        next();
      },
      (error: Error) => {
        setCaller(req, { authError: error.message });
        next();
      },
    );
  };
  const limit: RequestHandler = (req, res, next) => {
    const key = CallerRateLimit.keyOf(callerFrom(req).verified?.actor, req.ip);
    rateLimit.retryAfter(key).then((retryAfter) => {
      if (retryAfter === null) return next();
      res.setHeader('Retry-After', String(retryAfter));
      refuse(req, res, 429, 'RATE_LIMITED', `${rateLimit.message()} Try again in ${retryAfter} s.`);
    }, next);
  };
  const admit = (req: Request, res: Response, next: NextFunction) => {
    const malformed = malformedStringPath(req.body);
    if (malformed) {
      return refuse(
        req,
        res,
        400,
        'INVALID_INPUT',
        `Strings must be well-formed Unicode; ${malformed} holds a lone surrogate.`,
      );
    }
    const caller = callerFrom(req);
    if (!caller.verified && settings.GRAPHQL_INTROSPECTION !== 'anyone') {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return refuse(
        req,
        res,
        401,
        'UNAUTHENTICATED',
        caller.authError ?? 'A bearer token is required (Authorization: Bearer <jwt>).',
      );
    }
    currentCaller.run(caller, next);
  };
  return [identify, limit, admit];
}

const callerFrom = (req: Request): Caller => callerOf(req) ?? {};
