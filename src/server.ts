import type { INestApplication } from '@nestjs/common';
import { join } from 'node:path';
import { createApp } from './bootstrap';
import { loadSettings } from './config/settings';

/** Serves GraphQL and /health on PORT with the configured store; writes schema.gql first. */
export async function serve(): Promise<INestApplication> {
  const settings = loadSettings();
  const app = await createApp({ settings, schemaFile: join(process.cwd(), 'schema.gql') });
  await app.listen(settings.PORT, settings.HOST);
  console.log(
    `partner-ledger: GraphQL on http://localhost:${settings.PORT}/graphql (data in ${settings.DATA_DIR})`,
  );
  return app;
}
