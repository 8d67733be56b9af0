import { Command } from 'commander';
import { resolveHmacSecret } from '../platform/auth/local-secret';
import { mintToken } from '../platform/auth/token-minter';
import { resolve } from 'node:path';
import { loadSettings, type Settings } from '../platform/config/settings';
import { DataDirInUseError, lockDataDir } from '../platform/server/data-dir-lock';
import { EVENT_STORE } from '../platform/event-store/event-store';
import { createEventStore } from '../platform/event-store/event-store.factory';
import { reportOpenedStores } from './opened-stores';

export const demoCommand = new Command('demo')
  .description(
    'Write a small demo story into an empty store and print `export NAME=token` for each person in it (eval "$(npm run -s demo)")',
  )
  .action(async () => {
    const settings = loadSettings();
    // As a server holds it: a second demo (or a server) beside this one would find the store
    // empty too, and write a second story into it.
    const release = settings.EVENTSTORE_URL ? undefined : holdDataDir(settings.DATA_DIR);
    try {
      await writeDemo(settings);
    } finally {
      release?.();
    }
  });

function holdDataDir(dataDir: string): () => void {
  try {
    return lockDataDir(dataDir);
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    throw new Error(
      `another partner-ledger process (a server, or another demo) holds DATA_DIR ${resolve(dataDir)}: demo writes its story into an empty DATA_DIR nothing else uses`,
    );
  }
}

async function writeDemo(settings: Settings): Promise<void> {
  const store = createEventStore(settings);
  reportOpenedStores(settings, false);
  let events: number;
  try {
    if ((await store.headPosition()) > 0) {
      throw new Error(
        `The store in ${settings.DATA_DIR} already holds events; run demo on an empty DATA_DIR.`,
      );
    }
  } finally {
    await store.close();
  }
  // Loaded only for `demo` (it brings the whole product, NestJS included): the other verbs stay
  // light; `audit export` runs in a small heap in its test.
  const [
    { claimsOf, DEMO_PEOPLE, writeDemoStory },
    { NestFactory },
    { CommandBus },
    { AppModule },
    { Readiness },
  ] = await Promise.all([
    import('./demo-story'),
    import('@nestjs/core'),
    import('@nestjs/cqrs'),
    import('../app.module'),
    import('../platform/health/readiness'),
  ]);
  // Silent: stdout carries only the export lines, so `eval "$(npm run -s demo)"` works.
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ settings: { ...settings, LOG_LEVEL: 'silent' } }),
    { logger: false },
  );
  try {
    if (!(await app.get(Readiness).whenReady(settings.READ_YOUR_WRITES_TIMEOUT_MS)))
      throw new Error('the read models did not catch up in time');
    await writeDemoStory(app.get(CommandBus));
    events = await app.get<{ headPosition(): Promise<number> }>(EVENT_STORE).headPosition();
  } finally {
    await app.close();
  }
  console.error(
    `demo story written (${events} events); tokens valid 8 hours follow as export lines`,
  );
  const secret = resolveHmacSecret(settings);
  for (const [key, actor] of Object.entries(DEMO_PEOPLE)) {
    const token = await mintToken(secret, claimsOf(actor), {
      ttl: '8h',
      issuer: settings.AUTH_ISSUER,
      audience: settings.AUTH_AUDIENCE,
    });
    console.log(
      `export ${key.toUpperCase()}=${token}   # ${actor.name}, ${actor.tenantName}, ${actor.roles.join(',')}`,
    );
  }
}
