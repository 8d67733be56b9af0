import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  execute,
  type ExecutionArgs,
  getOperationAST,
  getVariableValues,
  OperationTypeNode,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
} from 'graphql';
import { type Context, handleProtocols, makeServer, type SubscribePayload } from 'graphql-ws';
import type { IncomingMessage, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { TokenVerifier } from '../auth/token-verifier';
import type { VerifiedToken } from '../auth/verified-tokens';
import { MAX_TIMER_MS, SETTINGS, type Settings } from '../config/settings';
import { CallerWrites } from '../consistency/caller-writes';
import { asRequestOf } from '../consistency/consistency-token';
import { CallerRateLimit } from '../security/caller-rate-limit';
import { malformedStringPath } from '../security/body-problem';
import { formatError } from './error-formatting';
import { answerTooLarge } from './response-size-cap';
import { closedSocket, closeSocket, serveGraphqlWsSocket } from './graphql-ws-socket';
import { GracefulShutdown } from '../server/graceful-shutdown';
import { checkOperationSize } from './operation-limits';
import { productValidationRules } from './validation-rules';
import type { RequestContext } from './request-context';

/**
 * The code Apollo gives such errors over HTTP; an error with its own code keeps it. graphql-js
 * may also throw a plain error (a RangeError for a too deeply nested document), as Apollo sees it.
 */
const withCode = (error: unknown, code: string) =>
  error instanceof GraphQLError && error.extensions.code
    ? error
    : new GraphQLError(error instanceof Error ? error.message : String(error), {
        nodes: error instanceof GraphQLError ? error.nodes : undefined,
        originalError: error instanceof Error ? error : undefined,
        extensions: { code },
      });

/**
 * A mutation goes over HTTP, where it is logged with its outcome, may carry an Idempotency-Key,
 * waits for start-up and answers once its effects are visible; nothing is run here.
 */
const mutationRefused = () =>
  new GraphQLError(
    'Mutations are sent as HTTP POST /graphql (logged, idempotent with an Idempotency-Key, answered once visible); graphql-ws carries subscriptions and queries. Nothing was run.',
    { extensions: { code: 'BAD_REQUEST' } },
  );

/** Frames are limited like HTTP bodies. */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** graphql-ws close codes (4401 and 4403 are the protocol's own Unauthorized and Forbidden). */
const TOKEN_EXPIRED = 4401;
/** Forbidden, so that clients do not retry at once; its reason names the limit. */
const TOO_MANY_SOCKETS = 4403;

type SocketState = {
  verified?: VerifiedToken;
  expiry?: NodeJS.Timeout;
  /** The ids of the operations admitted on this socket (some may have ended since). */
  admitted: Set<string>;
};

type WsContext = Context<
  Record<string, unknown> | undefined,
  { socket: WebSocket; request: IncomingMessage } & SocketState
>;

/**
 * graphql-ws on POST /graphql's path, with the limits HTTP has:
 * - frames of at most 1 MB (larger ones close the socket with 1009);
 * - `connection_init` must carry a valid token (`{ authorization: 'Bearer …' }`), else 4403;
 * - at most GRAPHQL_WS_MAX_SUBSCRIPTIONS subscriptions at once per socket, and at most
 *   GRAPHQL_WS_MAX_SOCKETS_PER_CALLER signed-in sockets per caller (another closes with 4403), so
 *   that one token cannot gather subscriptions that every event is then delivered to;
 * - a `subscribe` of at most GRAPHQL_WS_MAX_SUBSCRIBE_BYTES and an id of at most 128 characters;
 * - at most GRAPHQL_WS_MAX_BUFFERED_BYTES of answers queued for a caller that does not read them,
 *   over all its sockets;
 * - connection attempts (by address) and subscribe messages (by caller) count against the same
 *   per-caller rate limit as HTTP requests (429 on the upgrade; RATE_LIMITED);
 * - every operation passes the same parse, validation and cost limits as over HTTP; mutations
 *   are refused (they go over HTTP); a query reads after its caller's writes, as over HTTP;
 * - when the token's `exp` passes, the socket closes with 4401 and its subscriptions end;
 * - a client that sends no `connection_init` within 3 s, or stops answering pings, is dropped.
 */
@Injectable()
export class GraphqlWsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    handleProtocols,
  });
  private readonly logger = new Logger('GraphQL');
  private readonly format = formatError(this.logger);
  /** Per caller (as rate limits key them): its signed-in sockets. */
  private readonly callerSockets = new Map<string, Set<WebSocket>>();
  /** Per signed-in socket: its caller's sockets (callerSockets' entry). */
  private readonly peers = new WeakMap<WebSocket, ReadonlySet<WebSocket>>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly verifier: TokenVerifier,
    private readonly rateLimit: CallerRateLimit,
    private readonly callerWrites: CallerWrites,
    private readonly shutdown: GracefulShutdown,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  onApplicationBootstrap(): void {
    // An application context (the `demo` verb) has no HTTP server to upgrade.
    if (!this.adapterHost.httpAdapter) return;
    this.shutdown.beforeCutting(() => this.sayGoingAway());
    const schema = this.schemaHost.schema;
    const rules = [...specifiedRules, ...productValidationRules(this.settings)];
    const graphqlWs = makeServer<Record<string, unknown> | undefined, WsContext['extra']>({
      schema,
      connectionInitWaitTimeout: 3_000,
      onConnect: (ctx) => this.admit(ctx),
      onClose: (ctx) => clearTimeout(ctx.extra.expiry),
      onSubscribe: (ctx, id, payload) => this.prepare(ctx, id, payload, rules),
      // A query reads after what its caller wrote through this instance, as over HTTP.
      execute: (args) => {
        const { actor } = args.contextValue as RequestContext;
        return asRequestOf(actor, this.callerWrites, () => execute(args));
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        const formatted = result.errors
          ? {
              ...result,
              errors: result.errors.map((error) => this.format(error.toJSON(), error)),
            }
          : result;
        // Held to the same bound as over HTTP (responseSizeCap): a query may be sent this way too.
        const size = Buffer.byteLength(JSON.stringify(formatted));
        const max = this.settings.GRAPHQL_MAX_RESPONSE_BYTES;
        return size > max ? { errors: [answerTooLarge(size, max)] } : formatted;
      },
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((error) => this.format(error.toJSON(), error)),
    });
    this.wss.on('connection', (socket: WebSocket, request: IncomingMessage) =>
      serveGraphqlWsSocket(
        graphqlWs,
        socket,
        { socket, request, admitted: new Set<string>() },
        this.logger,
        {
          maxSubscribeBytes: this.settings.GRAPHQL_WS_MAX_SUBSCRIBE_BYTES,
          maxBufferedBytes: this.settings.GRAPHQL_WS_MAX_BUFFERED_BYTES,
          callerBacklog: (socket) => this.callerBacklog(socket),
        },
      ),
    );
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      // Any client sends this target: one that is no URL (`http://[`) must not throw here.
      if (URL.parse(request.url ?? '/', 'http://localhost')?.pathname !== '/graphql') {
        socket.destroy();
        return;
      }
      this.upgrade(request, socket, head).catch((error: unknown) => {
        this.logger.warn(`A WebSocket upgrade failed: ${String(error)}`);
        socket.destroy();
      });
    });
  }

  private async sayGoingAway(): Promise<void> {
    const sockets = [...this.wss.clients];
    await Promise.all(sockets.map((socket) => closedSocket(socket, 1001, 'Going away')));
  }

  /** A connection attempt counts against its address's rate limit (a 429 answer when over). */
  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const retryAfter = await this.rateLimit.retryAfter(
      CallerRateLimit.keyOf(undefined, request.socket.remoteAddress),
    );
    if (retryAfter !== null) {
      // As ws refuses a handshake: once the answer is out, the socket goes, whether or not the
      // client ever closes its side (an upgrade's socket is outside the HTTP server's timeouts).
      socket.once('finish', () => socket.destroy());
      socket.end(
        `HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${retryAfter}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.wss.emit('connection', ws, request));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sayGoingAway();
    await new Promise<void>((resolve, reject) =>
      this.wss.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private async admit(ctx: WsContext): Promise<boolean> {
    const authorization = ctx.connectionParams?.authorization;
    try {
      const verified = await this.verifier.verifyToken(
        typeof authorization === 'string' ? authorization : undefined,
      );
      ctx.extra.verified = verified;
      if (!this.join(ctx.extra.socket, CallerRateLimit.keyOf(verified.actor, undefined)))
        return false;
      this.closeAtExpiry(ctx, verified.exp);
      return true;
    } catch {
      return false;
    }
  }

  /** Counts a signed-in socket against its caller's ceiling until it closes; false when over it. */
  private join(socket: WebSocket, caller: string): boolean {
    // Closed while its token was checked: its `close` has gone by.
    if (socket.readyState !== socket.OPEN) return false;
    const max = this.settings.GRAPHQL_WS_MAX_SOCKETS_PER_CALLER;
    const sockets = this.callerSockets.get(caller) ?? new Set<WebSocket>();
    if (sockets.size >= max) {
      this.logger.log(`graphql-ws socket refused: ${caller} already holds ${max}`);
      closeSocket(
        socket,
        TOO_MANY_SOCKETS,
        `At most ${max} sockets per caller (GRAPHQL_WS_MAX_SOCKETS_PER_CALLER)`,
      );
      return false;
    }
    this.callerSockets.set(caller, sockets.add(socket));
    this.peers.set(socket, sockets);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0 && this.callerSockets.get(caller) === sockets)
        this.callerSockets.delete(caller);
    });
    return true;
  }

  /** What the open sockets of this one's caller hold of answers not taken (before sign-in: its own). */
  private callerBacklog(socket: WebSocket): number {
    let queued = 0;
    // A socket dropped a moment ago keeps its count until its `close`, and holds nothing.
    for (const peer of this.peers.get(socket) ?? [socket])
      if (peer.readyState === peer.OPEN) queued += peer.bufferedAmount;
    return queued;
  }

  private closeAtExpiry(ctx: WsContext, exp: number): void {
    const delay = exp * 1000 - Date.now();
    if (delay <= 0) {
      closeSocket(ctx.extra.socket, TOKEN_EXPIRED, 'Token expired');
      return;
    }
    ctx.extra.expiry = setTimeout(
      () => this.closeAtExpiry(ctx, exp),
      Math.min(delay, MAX_TIMER_MS), // a later `exp` is waited for in steps
    );
  }

  /** The operation's execution arguments, or the errors that refuse it. */
  private async prepare(
    ctx: WsContext,
    id: string,
    payload: SubscribePayload,
    rules: typeof specifiedRules,
  ): Promise<ExecutionArgs | readonly GraphQLError[]> {
    // An operation admitted before under this id has ended: graphql-ws is given an id's next
    // `subscribe` only then (serveGraphqlWsSocket).
    ctx.extra.admitted.delete(id);
    const retryAfter = await this.rateLimit.retryAfter(
      CallerRateLimit.keyOf(ctx.extra.verified?.actor, ctx.extra.request.socket.remoteAddress),
    );
    if (retryAfter !== null) {
      return [
        new GraphQLError(`${this.rateLimit.message()} Try again in ${retryAfter} s.`, {
          extensions: { code: 'RATE_LIMITED', retryAfter },
        }),
      ];
    }
    // Completed, or its socket closed, meanwhile: graphql-ws sends nothing for it.
    if (!(id in ctx.subscriptions)) return [new GraphQLError('Completed before it started.')];
    const max = this.settings.GRAPHQL_WS_MAX_SUBSCRIPTIONS;
    if (this.liveOperations(ctx) >= max) {
      return [
        new GraphQLError(
          `A socket holds at most ${max} subscriptions at once (GRAPHQL_WS_MAX_SUBSCRIPTIONS); complete one first.`,
          {
            extensions: {
              code: 'OPERATION_LIMIT_EXCEEDED',
              limit: 'GRAPHQL_WS_MAX_SUBSCRIPTIONS',
              max,
            },
          },
        ),
      ];
    }
    const malformed = malformedStringPath(payload, 'payload');
    if (malformed) {
      return [
        new GraphQLError(
          `Strings must be well-formed Unicode; ${malformed} holds a lone surrogate.`,
          {
            extensions: { code: 'INVALID_INPUT' },
          },
        ),
      ];
    }
    const schema = this.schemaHost.schema;
    let document: DocumentNode;
    try {
      document = parse(payload.query, { maxTokens: this.settings.GRAPHQL_MAX_TOKENS });
    } catch (error) {
      return [withCode(error, 'GRAPHQL_PARSE_FAILED')];
    }
    let errors: readonly GraphQLError[];
    try {
      errors = validate(schema, document, rules);
    } catch (error) {
      // graphql-js 16 checks a subscription's one root field by collecting it, and throws where a
      // directive there takes a variable (which validation has no value of): invalid all the same.
      if (!(error instanceof GraphQLError)) throw error;
      errors = [error];
    }
    if (errors.length > 0)
      return errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
    // Refused as Apollo refuses them over HTTP (graphql-ws would send these with no code).
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) {
      const message = payload.operationName
        ? `Unknown operation named "${payload.operationName}".`
        : 'Must provide operation name if query contains multiple operations.';
      return [new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
    }
    if (operation.operation === OperationTypeNode.MUTATION) return [mutationRefused()];
    const variables = payload.variables ?? undefined;
    let dataSizedFields: number;
    try {
      ({ dataSizedFields } = checkOperationSize(
        this.settings,
        schema,
        document,
        variables,
        payload.operationName ?? undefined,
      ));
    } catch (error) {
      return [error as GraphQLError];
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
    if (coerced.errors) return coerced.errors.map((error) => withCode(error, 'BAD_USER_INPUT'));
    ctx.extra.admitted.add(id);
    const contextValue: RequestContext = {
      correlationId: randomUUID(),
      actor: ctx.extra.verified?.actor,
      dataSizedFields,
    };
    return {
      schema,
      document,
      variableValues: variables,
      operationName: payload.operationName,
      contextValue,
    };
  }

  /** The operations admitted on this socket that graphql-ws still holds (neither completed nor ended). */
  private liveOperations(ctx: WsContext): number {
    for (const id of ctx.extra.admitted)
      if (!(id in ctx.subscriptions)) ctx.extra.admitted.delete(id);
    return ctx.extra.admitted.size;
  }
}
