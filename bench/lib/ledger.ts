import type { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { createApp } from '../../src/bootstrap';
import { loadSettings, type Settings } from '../../src/platform/config/settings';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { CommandGateway } from '../../src/platform/graphql/command-gateway';
import { PROJECTOR, type Projector } from '../../src/platform/projection-engine/projector';

/** The product in-process: the real Nest module (command bus, handlers, engine), without HTTP. */
export interface Ledger {
  app: INestApplication;
  settings: Settings;
  store: EventStore;
  engine: Projector;
  /** Runs a command and resolves once its events are visible (read-your-writes). */
  gateway: CommandGateway;
  /** Runs a command without waiting for the read models. */
  bus: CommandBus;
  close(): Promise<void>;
}

export async function openLedger(dir: string, env: Record<string, string> = {}): Promise<Ledger> {
  // PROJECTION_THREAD from the environment applies here too, as it does to the server processes.
  const thread = process.env.PROJECTION_THREAD;
  const settings = loadSettings({
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    ...(thread ? { PROJECTION_THREAD: thread } : {}),
    ...env,
  });
  const app = await createApp({ settings });
  await app.init(); // catches the read models up, as a start would; no port is opened
  return {
    app,
    settings,
    store: app.get<EventStore>(EVENT_STORE),
    engine: app.get<Projector>(PROJECTOR),
    gateway: app.get(CommandGateway),
    bus: app.get(CommandBus),
    close: () => app.close(),
  };
}
