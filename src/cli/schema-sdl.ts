import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../app.module';
import { loadSettings } from '../platform/config/settings';
import { SCHEMA_FILE_HEADER } from './schema-header';

/** The schema as the committed `schema.gql` holds it: sorted, with Nest's header. */
export const printSchemaFile = (schema: GraphQLSchema): string =>
  SCHEMA_FILE_HEADER + printSchema(lexicographicSortSchema(schema));

/**
 * The code-first schema the rooms' resolvers declare, built by the product's own module (no list
 * of resolvers to keep), over a throwaway DATA_DIR; nothing is served.
 */
export async function schemaSdl(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'partner-ledger-schema-'));
  const settings = loadSettings({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    AUTH_SECRET: 'schema-only-secret-not-used-for-anything',
    PROJECTION_THREAD: 'main',
  });
  const context = await NestFactory.createApplicationContext(AppModule.forRoot({ settings }), {
    logger: false,
  });
  try {
    return printSchemaFile(context.get(GraphQLSchemaHost).schema);
  } finally {
    await context.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
