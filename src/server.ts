import { type INestApplication, Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './bootstrap';
import { loadSettings } from './platform/config/settings';
import { describeEventStore } from './platform/event-store/event-store.factory';
import { describeReadStore } from './platform/read-store/read-store.factory';
import { lockDataDir } from './platform/server/data-dir-lock';
import { sendWarningsTo } from './platform/observability/process-warnings';

/** Serves GraphQL and the probes on PORT with the configured store. */
export async function serve(): Promise<INestApplication> {
  const settings = loadSettings();
  // A promise some timer forgot to handle is a bug to log, not a reason to stop serving: every
  // store fault is answered or retried where it happens (see README, Faults).
  process.on('unhandledRejection', (reason) => {
    new Logger('Process').error(
      `unhandled rejection (kept running): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
    );
  });
  sendWarningsTo((message) => new Logger('Process').warn(message));
  // Held until the process ends (referenced here, so never collected and closed before).
  process.once('exit', lockDataDir(settings.DATA_DIR));
  const app = await createApp({ settings });
  await app.listen(settings.PORT, settings.HOST);
  const server = app.getHttpServer() as Server;
  const { address, port } = server.address() as AddressInfo;
  new Logger('Server').log(
    `listening on ${address}:${port}: GraphQL on http://localhost:${port}/graphql; event store: ${describeEventStore(settings)}; read models: ${describeReadStore(settings)}`,
  );
  return app;
}
