import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { type Socket, Server as NetServer } from 'node:net';
import { constants as osConstants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { SETTINGS, type Settings } from '../config/settings';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Drains HTTP before anything else stops (SIGTERM): no new connection is accepted, every request
 * already started is answered, and each answer from then on says `Connection: close`, so a client
 * on a kept-alive connection learns that it must reconnect, instead of sending a request into a
 * socket about to close ("socket hang up": was it recorded?). After SHUTDOWN_TIMEOUT_MS the
 * connections still open are cut and the stores close anyway.
 */
@Injectable()
export class GracefulShutdown implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private draining = false;
  private readonly inFlight = new Set<Response>();
  private readonly connections = new Set<Socket>();
  /** Long-lived connections' own goodbyes (graphql-ws: 1001), said before the rest is cut. */
  private readonly farewells: (() => Promise<void>)[] = [];
  private onSignal?: (signal: NodeJS.Signals) => void;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  /**
   * On SIGTERM or SIGINT: drain, close the app (writers, projections, stores, logs, traces), and
   * exit 0. Nest's own signal handling is not used: it would close kept-alive connections at once,
   * cutting off requests already on their way.
   */
  stopOnSignals(app: INestApplication): void {
    const server = this.server();
    server?.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
    });
    // graphql-ws sockets end when the app closes (their subscriptions told so), not before.
    server?.on('upgrade', (_req: unknown, socket: Socket) => this.connections.delete(socket));
    this.onSignal = (signal) => {
      this.removeSignalListeners();
      for (const again of SIGNALS) process.once(again, this.stopNow);
      void this.drainConnections(signal)
        .then(() => app.close())
        .then(
          () => process.exit(0),
          (error: Error) => {
            this.logger.error(`stopping failed: ${error.stack ?? error.message}`);
            process.exit(1);
          },
        );
    };
    for (const signal of SIGNALS) process.once(signal, this.onSignal);
  }

  /**
   * A second signal while stopping (an impatient Ctrl-C): exit at once, as a shell expects
   * (128 + the signal's number), saying what is left unanswered. SQLite commits whole or not at
   * all, so nothing half-written stays behind.
   */
  private readonly stopNow = (signal: NodeJS.Signals): void => {
    this.logger.warn(
      `${signal} again while stopping: exiting now, ${this.inFlight.size} request(s) unanswered on ${this.connections.size} connection(s)`,
    );
    process.exit(128 + osConstants.signals[signal]);
  };

  /** Counts requests in flight and marks answers `Connection: close` once draining. */
  middleware() {
    return (_req: Request, res: Response, next: NextFunction) => {
      if (this.draining) res.setHeader('connection', 'close');
      this.inFlight.add(res);
      res.once('close', () => this.inFlight.delete(res));
      next();
    };
  }

  /**
   * Stops accepting connections and says `Connection: close` from now on. Kept-alive connections
   * stay open: their clients' next requests are answered (and end them), idle ones end after
   * HTTP_KEEP_ALIVE_TIMEOUT_MS, as usual.
   */
  drain(signal?: string): void {
    if (this.draining) return;
    this.draining = true;
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    const server = this.server();
    // net.Server's close: http.Server's would also close every idle kept-alive connection now,
    // racing with the requests their clients are sending.
    if (server?.listening) NetServer.prototype.close.call(server);
    this.logger.log(
      `stopping${signal ? ` on ${signal}` : ''}: answering ${this.inFlight.size} request(s) in flight on ${this.connections.size} connection(s), accepting no more`,
    );
  }

  /** After SIGTERM: waits (up to SHUTDOWN_TIMEOUT_MS) until every connection has ended. */
  private async drainConnections(signal: string): Promise<void> {
    this.drain(signal);
    const deadline = Date.now() + this.settings.SHUTDOWN_TIMEOUT_MS;
    while ((this.inFlight.size > 0 || this.connections.size > 0) && Date.now() < deadline) {
      await sleep(10);
    }
    await this.cutRemaining();
  }

  /** On any close (a test's `app.close()` too): the requests in flight are answered first. */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.drain(signal);
    const deadline = Date.now() + this.settings.SHUTDOWN_TIMEOUT_MS;
    while (this.inFlight.size > 0 && Date.now() < deadline) await sleep(10);
    await this.cutRemaining();
  }

  onApplicationShutdown(): void {
    this.removeSignalListeners();
  }

  /**
   * `farewell` runs before the connections left are cut: cutting closes upgraded sockets too
   * (`closeAllConnections`), with no close frame, which a WebSocket client reads as 1006.
   */
  beforeCutting(farewell: () => Promise<void>): void {
    this.farewells.push(farewell);
  }

  private async cutRemaining(): Promise<void> {
    await Promise.all(this.farewells.map((farewell) => farewell()));
    if (this.inFlight.size > 0) {
      this.logger.warn(
        `${this.inFlight.size} request(s) still running after SHUTDOWN_TIMEOUT_MS (${this.settings.SHUTDOWN_TIMEOUT_MS} ms): their connections are cut`,
      );
    }
    this.server()?.closeAllConnections();
  }

  private removeSignalListeners(): void {
    if (!this.onSignal) return;
    for (const signal of SIGNALS) process.removeListener(signal, this.onSignal);
  }

  private server(): Server | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  }
}
