import { type INestApplication, Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { loadSettings } from './config/settings';

/** Serves GraphQL and /health on PORT with the configured store. */
export async function serve(): Promise<INestApplication> {
  const settings = loadSettings();
  const app = await createApp({ settings });
  await app.listen(settings.PORT, settings.HOST);
  new Logger('Server').log(
    `GraphQL on http://localhost:${settings.PORT}/graphql (data in ${settings.DATA_DIR})`,
  );
  return app;
}
