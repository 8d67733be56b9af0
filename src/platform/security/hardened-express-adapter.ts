import { ExpressAdapter } from '@nestjs/platform-express';
import { createServer, type Server } from 'node:http';
import type { Settings } from '../config/settings';

type TimeoutSettings = Pick<
  Settings,
  | 'HTTP_HEADERS_TIMEOUT_MS'
  | 'HTTP_REQUEST_TIMEOUT_MS'
  | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'
  | 'TRUST_PROXY'
>;

/**
 * Nest's Express adapter with every timeout of the HTTP server set explicitly, so idle and slow
 * clients cannot hold connections: headers must arrive within HTTP_HEADERS_TIMEOUT_MS, a whole
 * request within HTTP_REQUEST_TIMEOUT_MS, and an idle keep-alive connection is closed after
 * HTTP_KEEP_ALIVE_TIMEOUT_MS. Node checks the first two on a timer, which runs here every second
 * (its default, 30 s, would let a slow client stay that much longer). No `X-Powered-By`.
 */
export class HardenedExpressAdapter extends ExpressAdapter {
  constructor(private readonly timeouts: TimeoutSettings) {
    super();
    const express = this.getInstance<import('express').Express>();
    express.disable('x-powered-by');
    // Behind TLS termination, the client's address is the proxy's unless its hops are trusted.
    express.set('trust proxy', timeouts.TRUST_PROXY);
  }

  override initHttpServer(): void {
    const server: Server = createServer(
      {
        headersTimeout: this.timeouts.HTTP_HEADERS_TIMEOUT_MS,
        requestTimeout: this.timeouts.HTTP_REQUEST_TIMEOUT_MS,
        keepAliveTimeout: this.timeouts.HTTP_KEEP_ALIVE_TIMEOUT_MS,
        connectionsCheckingInterval: Math.min(1_000, this.timeouts.HTTP_HEADERS_TIMEOUT_MS),
      },
      this.getInstance(),
    );
    server.keepAliveTimeout = this.timeouts.HTTP_KEEP_ALIVE_TIMEOUT_MS;
    this.httpServer = server;
  }
}
