import { Command } from 'commander';
import { resolveHmacSecret } from '../platform/auth/local-secret';
import { mintToken } from '../platform/auth/token-minter';
import { loadSettings } from '../platform/config/settings';
import { createEventStore } from '../platform/event-store/event-store.factory';
import { reportOpenedStores } from './opened-stores';

export const demoCommand = new Command('demo')
  .description(
    'Write a small demo story into an empty store and print `export NAME=token` for each person in it (eval "$(npm run -s demo)")',
  )
  .action(async () => {
    // Loaded only for `demo` (it brings the command handlers and NestJS): the other verbs stay
    // light; `audit export` runs in a 64 MB heap in its test.
    const { claimsOf, DEMO_PEOPLE, writeDemoStory } = await import('./demo-story');
    const settings = loadSettings();
    const store = createEventStore(settings);
    reportOpenedStores(settings, false);
    try {
      if ((await store.headPosition()) > 0) {
        throw new Error(
          `The store in ${settings.DATA_DIR} already holds events; run demo on an empty DATA_DIR.`,
        );
      }
      await writeDemoStory(store, settings);
      // Only shell lines on stdout, so `eval "$(npm run -s demo)"` sets the variables.
      console.error(
        `demo story written (${await store.headPosition()} events); tokens valid 8 hours follow as export lines`,
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
    } finally {
      await store.close();
    }
  });
