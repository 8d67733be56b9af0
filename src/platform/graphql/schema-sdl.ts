import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { resolvers } from '.';

/** The header Nest's `autoSchemaFile` writes, kept so the committed file reads as before. */
const HEADER = `# ------------------------------------------------------
# THIS FILE WAS AUTOMATICALLY GENERATED (DO NOT MODIFY)
# ------------------------------------------------------

`;

/** The schema as the committed `schema.gql` holds it: sorted, with Nest's header. */
export const printSchemaFile = (schema: GraphQLSchema): string =>
  HEADER + printSchema(lexicographicSortSchema(schema));

/** Builds the code-first schema from the resolvers alone: no stores, no server. */
export async function schemaSdl(): Promise<string> {
  const context = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, {
    logger: false,
  });
  try {
    return printSchemaFile(await context.get(GraphQLSchemaFactory).create(resolvers));
  } finally {
    await context.close();
  }
}
