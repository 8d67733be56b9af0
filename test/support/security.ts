import Database from 'better-sqlite3';
import { type Client, createClient } from 'graphql-ws';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { TestApp } from './app';

/** How many events the store holds, read from its file: "nothing was appended" checked at the source. */
export function eventCount(app: TestApp): number {
  const db = new Database(join(app.dataDir, 'events.db'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS count FROM events').get() as { count: number }).count;
  } finally {
    db.close();
  }
}

/** The server still answers a signed-in caller. */
export async function stillAnswers(app: TestApp, token: string): Promise<boolean> {
  const answer = await app.gql(token, '{ me { userId } }');
  return typeof answer.data?.me?.userId === 'string';
}

export const wsUrl = (app: TestApp) => `${app.url.replace('http', 'ws')}/graphql`;

/** A graphql-ws client that reports how its socket closed. */
export function wsClient(
  app: TestApp,
  connectionParams: Record<string, unknown>,
): { client: Client; closed: Promise<{ code: number; reason: string }> } {
  let resolveClosed!: (event: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    resolveClosed = resolve;
  });
  const client = createClient({
    url: wsUrl(app),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    // The tests look at how sockets close; the client need not print it too.
    onNonLazyError: () => undefined,
    on: { closed: (event) => resolveClosed(event as { code: number; reason: string }) },
  });
  return { client, closed };
}

/** The first message of a subscription: its data, or the errors that refused it. */
export function firstResult(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}> {
  return new Promise((resolve) => {
    const dispose = client.subscribe(
      { query, variables },
      {
        next: (value) => {
          resolve(value as never);
          dispose();
        },
        error: (error) =>
          resolve({ errors: Array.isArray(error) ? error : [{ message: String(error) }] }),
        complete: () => undefined,
      },
    );
  });
}
