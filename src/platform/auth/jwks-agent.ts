import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';
import { errors } from 'jose';

/** What one fetch of the key set may take: an identity provider's is a few kilobytes. */
export interface JwksFetchBounds {
  /** From connecting to the last byte of the body. */
  deadlineMs: number;
  /** Bytes received on the connection, headers included. */
  maxBytes: number;
}

export const JWKS_FETCH_BOUNDS: JwksFetchBounds = { deadlineMs: 5_000, maxBytes: 1_048_576 };

/** A key-set fetch this agent cut (too slow, too large). */
class KeySetFetchCut extends Error {}

/**
 * Each connection is cut at the deadline or past `maxBytes`, so the fetch fails and the next
 * request fetches again. jose times out only the wait for the response's headers, then reads the
 * body as long as it takes, and every verification waits on that one fetch: a key set that
 * stalled after its headers locked out every new token until a restart, and one of 80 MB was read
 * whole into memory.
 */
function bound(socket: Duplex, { deadlineMs, maxBytes }: JwksFetchBounds): Duplex {
  const cut = (why: string) =>
    socket.destroy(new KeySetFetchCut(`The JSON Web Key Set fetch ${why}.`));
  const deadline = setTimeout(() => cut(`took longer than ${deadlineMs} ms`), deadlineMs);
  deadline.unref();
  let received = 0;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBytes) cut(`sent more than ${maxBytes} bytes`);
  });
  socket.once('close', () => clearTimeout(deadline));
  return socket;
}

/** The agent jose fetches `url`'s key set with, each connection bounded in time and size. */
export function boundedJwksAgent(url: URL, bounds: JwksFetchBounds): HttpAgent {
  const agent = url.protocol === 'https:' ? new HttpsAgent() : new HttpAgent();
  const connect = agent.createConnection.bind(agent);
  agent.createConnection = (...args) => {
    const socket = connect(...args);
    return socket && bound(socket, bounds);
  };
  return agent;
}

/** A system error of the connection (ECONNREFUSED, ECONNRESET, ENOTFOUND, EAI_AGAIN…). */
const isConnectionError = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z_]+$/.test(code) && !code.startsWith('ERR_');
};

/**
 * Whether `error` says the key set could not be fetched (the provider down, slow, flooding or
 * answering garbage), as opposed to a token that is not valid.
 */
export const isKeySetUnavailable = (error: unknown): boolean =>
  error instanceof errors.JWKSTimeout ||
  error instanceof errors.JWKSInvalid ||
  error instanceof KeySetFetchCut ||
  isConnectionError(error) ||
  (error instanceof errors.JOSEError &&
    error.code === 'ERR_JOSE_GENERIC' &&
    /JSON Web Key Set/.test(error.message));
