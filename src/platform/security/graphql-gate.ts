import { type DocumentNode, getOperationAST, Kind, OperationTypeNode, parse } from 'graphql';
import { conditionalRootDirectives, conditionalRootMessage } from '../graphql/validation-rules';
import { SUBSCRIPTIONS_OVER_HTTP } from '../graphql/subscriptions-over-http';
import { bodyProblem, MAX_BODY_DEPTH } from './body-problem';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { TokenVerifier } from '../auth/token-verifier';
import type { Settings } from '../config/settings';
import { noteGraphQLOutcome, truncate } from '../observability/graphql-outcome';
import { type Caller, callerOf, currentCaller, setCaller } from './caller';
import { CallerRateLimit } from './caller-rate-limit';

type GateSettings = Pick<Settings, 'GRAPHQL_INTROSPECTION' | 'GRAPHQL_MAX_TOKENS'>;

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

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Why an automatic persisted query's hash cannot name a query (it must be the SHA-256 Apollo
 * computes: 64 lowercase hex digits), or null. Apollo looks any value up, so a malformed hash
 * sent alone would get PERSISTED_QUERY_NOT_FOUND, which tells the client to send the query again.
 */
function malformedPersistedQuery(parameters: unknown): string | null {
  const extensions = (parameters as { extensions?: unknown } | undefined)?.extensions;
  const persisted = (extensions as { persistedQuery?: unknown } | undefined)?.persistedQuery;
  if (typeof persisted !== 'object' || persisted === null) return null; // Apollo refuses a non-object
  const hash = (persisted as { sha256Hash?: unknown }).sha256Hash;
  if (typeof hash === 'string' && SHA256_HEX.test(hash)) return null;
  return 'extensions.persistedQuery.sha256Hash must be the SHA-256 of the query in 64 lowercase hex digits.';
}

/**
 * What GraphQL reads of a request: a POST's body, or a GET's query string, whose `variables` and
 * `extensions` Apollo parses as JSON (so they are checked parsed; one that is not JSON Apollo refuses).
 */
function graphqlParameters(req: Request): unknown {
  if (req.method !== 'GET') return req.body;
  const parameters: Record<string, unknown> = { ...req.query };
  for (const name of ['variables', 'extensions']) {
    const value = parameters[name];
    if (typeof value !== 'string') continue;
    try {
      parameters[name] = JSON.parse(value);
    } catch {
      // Left as text: Apollo answers it BAD_REQUEST.
    }
  }
  return parameters;
}

/**
 * Why HTTP refuses the request's subscriptions, if it holds any: HTTP serves none (the one it
 * selects), and graphql-js 16 validates every subscription of the document by collecting its root
 * fields, and throws (an internal error, 500) where a directive there takes a variable, whichever
 * operation the request selects. Parsed (within the token limit) only when the text names a
 * subscription at all; the rest is left to Apollo.
 */
function subscriptionProblem(
  parameters: unknown,
  maxTokens: number,
): { code: 'GRAPHQL_VALIDATION_FAILED' | 'BAD_REQUEST'; message: string } | null {
  const { query, operationName } = (parameters ?? {}) as Record<string, unknown>;
  if (typeof query !== 'string' || !/\bsubscription\b/.test(query)) return null;
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens });
  } catch {
    return null;
  }
  const fragments = new Map(
    document.definitions
      .filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (definition.operation !== OperationTypeNode.SUBSCRIPTION) continue;
    const [conditional] = conditionalRootDirectives(definition.selectionSet, (name) =>
      fragments.get(name),
    );
    if (conditional) {
      return { code: 'GRAPHQL_VALIDATION_FAILED', message: conditionalRootMessage(conditional) };
    }
  }
  const name = typeof operationName === 'string' ? operationName : undefined;
  return getOperationAST(document, name)?.operation === OperationTypeNode.SUBSCRIPTION
    ? { code: 'BAD_REQUEST', message: SUBSCRIPTIONS_OVER_HTTP }
    : null;
}

/**
 * Everything a GraphQL request over HTTP passes before GraphQL parses it, `beforeBody` before the
 * body is read, `afterBody` once it is parsed:
 * - the bearer token is verified once (GraphQL's context and the response cache reuse the result);
 * - per-caller rate limit (caller-rate-limit.ts, a budget graphql-ws shares; 429 RATE_LIMITED);
 * - without a valid token nothing is read, inflated, parsed, walked, validated or kept (401
 *   UNAUTHENTICATED), unless GRAPHQL_INTROSPECTION=anyone lets anonymous callers read the schema
 *   (development);
 * - strings must be well-formed Unicode: a lone surrogate stays in an event's JSON but becomes
 *   U+FFFD in a read model's text column, and audit verify would then see a mismatch
 *   (400 INVALID_INPUT);
 * - objects and arrays nest at most MAX_BODY_DEPTH deep (400 INVALID_INPUT);
 * - a persisted query's hash is a SHA-256 (400 BAD_REQUEST);
 * - a subscription is for graphql-ws (400 BAD_REQUEST), as subscriptionsOverHttpPlugin says; one
 *   with a conditional root field anywhere in the document is invalid (400 GRAPHQL_VALIDATION_FAILED).
 */
export function graphqlGate(
  verifier: TokenVerifier,
  rateLimit: CallerRateLimit,
  settings: GateSettings,
): { beforeBody: RequestHandler[]; afterBody: RequestHandler[] } {
  const identify: RequestHandler = (req, res, next) => {
    // Node keeps the first of several and drops the rest; a proxy in front may read another.
    if (authorizationHeaders(req) > 1) {
      return refuse(req, res, 400, 'BAD_REQUEST', 'Send one Authorization header, not several.');
    }
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
  // Before the body is read: an anonymous caller's body is neither inflated, parsed nor walked.
  const authenticated: RequestHandler = (req, res, next) => {
    const caller = callerFrom(req);
    if (caller.verified || settings.GRAPHQL_INTROSPECTION === 'anyone') return next();
    res.setHeader('WWW-Authenticate', 'Bearer');
    refuse(
      req,
      res,
      401,
      'UNAUTHENTICATED',
      caller.authError ?? 'A bearer token is required (Authorization: Bearer <jwt>).',
    );
  };
  const admit = (req: Request, res: Response, next: NextFunction) => {
    const caller = callerFrom(req);
    const parameters = graphqlParameters(req);
    const problem = bodyProblem(parameters);
    if (problem) {
      return refuse(
        req,
        res,
        400,
        'INVALID_INPUT',
        problem.kind === 'malformed'
          ? `Strings must be well-formed Unicode; ${problem.path} holds a lone surrogate.`
          : `Objects and arrays in the body nest at most ${MAX_BODY_DEPTH} levels deep; ${problem.path} is deeper.`,
      );
    }
    const badHash = malformedPersistedQuery(parameters);
    if (badHash) return refuse(req, res, 400, 'BAD_REQUEST', badHash);
    const subscription = subscriptionProblem(parameters, settings.GRAPHQL_MAX_TOKENS);
    if (subscription) return refuse(req, res, 400, subscription.code, subscription.message);
    currentCaller.run(caller, next);
  };
  return { beforeBody: [identify, limit, authenticated], afterBody: [admit] };
}

const callerFrom = (req: Request): Caller => callerOf(req) ?? {};

const authorizationHeaders = (req: Request): number =>
  req.rawHeaders.filter((value, index) => index % 2 === 0 && /^authorization$/i.test(value)).length;
