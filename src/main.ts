import 'reflect-metadata';
import { join } from 'node:path';
import { createApp } from './bootstrap';
import { loadSettings } from './config/settings';

async function main(): Promise<void> {
  const settings = loadSettings();
  const app = await createApp({ settings, schemaFile: join(process.cwd(), 'schema.gql') });
  await app.listen(settings.PORT, settings.HOST);
  console.log(
    `partner-ledger: GraphQL on http://localhost:${settings.PORT}/graphql (data in ${settings.DATA_DIR})`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
