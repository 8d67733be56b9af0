import type { Logger } from '@nestjs/common';
import { CloseCode, MessageType, type Server } from 'graphql-ws';
import type { WebSocket } from 'ws';

/** A client that has not answered a ping within this long is dropped (as graphql-ws's `useServer`). */
const KEEP_ALIVE_MS = 12_000;
/**
 * An id is a key in several maps for as long as its operation runs and goes out with every answer;
 * a client needs a few characters (graphql-ws's own clients send a 36-character UUID).
 */
export const MAX_OPERATION_ID_LENGTH = 128;

/** How long a client has to answer the server's close frame (ws itself waits 30 s). */
const CLOSE_HANDSHAKE_MS = 2_000;

/**
 * Closes a socket from the server's side: its socket and file descriptor go within
 * CLOSE_HANDSHAKE_MS whether or not the client answers the close frame.
 */
export function closeSocket(socket: WebSocket, code?: number, reason?: string): void {
  if (socket.readyState === socket.CLOSED) return; // its `close` has gone by
  socket.close(code, reason);
  // Unref'd: a socket left to close must not hold a stopping process up.
  const unanswered = setTimeout(() => socket.terminate(), CLOSE_HANDSHAKE_MS).unref();
  socket.once('close', () => clearTimeout(unanswered));
}

/**
 * closeSocket, resolved once the socket has closed (CLOSE_HANDSHAKE_MS at most): cut sooner, its
 * close frame is lost, and its client reads 1006.
 */
export function closedSocket(socket: WebSocket, code?: number, reason?: string): Promise<void> {
  if (socket.readyState === socket.CLOSED) return Promise.resolve();
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  closeSocket(socket, code, reason);
  return closed;
}

export interface SocketLimits {
  /** A `subscribe` is held for as long as its operation runs: larger ones are refused. */
  maxSubscribeBytes: number;
  /**
   * Answers queued for a caller that does not take them, over all its sockets: past this, each of
   * them holding some is dropped at its next answer.
   */
  maxBufferedBytes: number;
  /** The answers queued on the sockets of this one's caller, its own included. */
  callerBacklog: (socket: WebSocket) => number;
}

/** A message's type and id, if it has them (graphql-ws parses and validates it again). */
function peek(data: string): { type?: unknown; id?: unknown } {
  try {
    const message: unknown = JSON.parse(data);
    return typeof message === 'object' && message !== null ? message : {};
  } catch {
    return {};
  }
}

/**
 * Serves one socket with graphql-ws's `makeServer`, as its `useServer` for ws does (keep-alive
 * pings, close codes), but hands graphql-ws a client's messages for one id in an order it is safe
 * with. graphql-ws keys a socket's operations by the client's id alone: a `subscribe` that reuses
 * the id of one the client completed while it was still being prepared would run beside it, and
 * the first would never be returned, not even when the socket closes. So after a `complete`, the
 * id's next messages wait until the operation it completed has ended. An id graphql-ws would take
 * for one in use (a name of Object.prototype: its map is a plain object) is refused instead.
 */
export function serveGraphqlWsSocket<E>(
  server: Server<E>,
  socket: WebSocket,
  extra: E,
  logger: Logger,
  limits: SocketLimits,
): void {
  let open = true;
  // graphql-ws sets it, unless it closes the socket at once (a wrong subprotocol).
  let handle = (_data: string) => Promise.resolve();
  /** Per id: when the operation graphql-ws runs for it has ended. */
  const running = new Map<string, Promise<void>>();
  /** Per id: when its next message may go to graphql-ws, if not at once. */
  const held = new Map<string, Promise<void>>();

  /**
   * Queues an answer without awaiting the write: awaited, graphql-ws would hold each
   * subscription's next events in its unbounded queue while a client does not read. Queued here,
   * they are counted and capped.
   */
  const deliver = (data: string): void => {
    if (socket.readyState !== socket.OPEN) return;
    // Freeing a client's queue when it leaves stalls the thread; it cannot read a close frame.
    const backlog = socket.bufferedAmount > 0 ? limits.callerBacklog(socket) : 0;
    if (backlog > limits.maxBufferedBytes) {
      logger.log(
        `graphql-ws socket dropped: ${backlog} bytes of answers its caller has not taken, ${socket.bufferedAmount} of them on this socket (GRAPHQL_WS_MAX_BUFFERED_BYTES is ${limits.maxBufferedBytes})`,
      );
      socket.terminate();
      return;
    }
    // A client that left while its answer was on the way: nothing to deliver, no fault.
    socket.send(data, (error) => {
      if (error) logger.debug(`graphql-ws answer not delivered: ${error.message}`);
    });
  };

  const closed = server.opened(
    {
      protocol: socket.protocol,
      send: deliver,
      close: (code, reason) => closeSocket(socket, code, reason),
      onMessage: (callback) => (handle = callback),
    },
    extra,
  );

  /** Hands graphql-ws a message; resolves once it is done with it (a subscription: when it ends). */
  const run = (data: string) =>
    handle(data).catch((error: unknown) => {
      logger.error(`graphql-ws message failed: ${(error as Error)?.stack ?? String(error)}`);
      closeSocket(socket, CloseCode.InternalServerError, 'Internal server error');
    });
  /** Hands over a `subscribe` or `complete`; returns when the id's next message may follow. */
  const forward = (type: unknown, id: string, data: string): Promise<void> | undefined => {
    if (!open) return undefined;
    if (type === MessageType.Complete) {
      const ended = running.get(id);
      void run(data);
      return ended;
    }
    // (A `subscribe` for an id in use is graphql-ws's to refuse: it closes the socket, 4409.)
    const ended = run(data);
    running.set(id, ended);
    void ended.then(() => running.get(id) === ended && running.delete(id));
    return undefined;
  };

  const refuse = (id: string, message: string, extensions: Record<string, unknown>) =>
    deliver(JSON.stringify({ id, type: MessageType.Error, payload: [{ message, extensions }] }));

  socket.on('message', (raw) => {
    const bytes = (raw as Buffer).length;
    const data = (raw as Buffer).toString();
    const { type, id } = peek(data);
    if (typeof id === 'string' && id.length > MAX_OPERATION_ID_LENGTH) {
      logger.log(`graphql-ws socket closed: an operation id of ${id.length} characters`);
      closeSocket(
        socket,
        CloseCode.BadRequest,
        `Operation ids are at most ${MAX_OPERATION_ID_LENGTH} characters`,
      );
      return;
    }
    if (typeof id !== 'string' || (type !== MessageType.Subscribe && type !== MessageType.Complete))
      return void run(data);
    if (type === MessageType.Subscribe && id in Object.prototype) {
      const message = `A subscription id may not be "${id}", a name JavaScript objects already hold; choose another.`;
      return void refuse(id, message, { code: 'BAD_REQUEST' });
    }
    if (type === MessageType.Subscribe && bytes > limits.maxSubscribeBytes) {
      const max = limits.maxSubscribeBytes;
      const message = `A subscribe message is held while its operation runs: at most ${max} bytes (GRAPHQL_WS_MAX_SUBSCRIBE_BYTES), this one has ${bytes}.`;
      return void refuse(id, message, {
        code: 'OPERATION_LIMIT_EXCEEDED',
        limit: 'GRAPHQL_WS_MAX_SUBSCRIBE_BYTES',
        max,
      });
    }
    const before = held.get(id);
    const next = before ? before.then(() => forward(type, id, data)) : forward(type, id, data);
    if (next) {
      held.set(id, next);
      void next.then(() => held.get(id) === next && held.delete(id));
    }
  });

  let pongWait: NodeJS.Timeout | undefined;
  const pings = setInterval(() => {
    if (socket.readyState !== socket.OPEN) return;
    pongWait = setTimeout(() => socket.terminate(), KEEP_ALIVE_MS);
    socket.once('pong', () => clearTimeout(pongWait));
    socket.ping();
  }, KEEP_ALIVE_MS);
  // The usual error is a frame over the server's maxPayload, which ws answers by closing with
  // 1009: a refusal, not a fault.
  socket.on('error', (error) => logger.log(`graphql-ws socket closed: ${error.message}`));
  socket.once('close', (code, reason) => {
    open = false;
    clearInterval(pings);
    clearTimeout(pongWait);
    closed(code, String(reason)).catch((error: unknown) =>
      logger.error(`graphql-ws socket cleanup failed: ${(error as Error)?.stack ?? String(error)}`),
    );
  });
}
