import { GraphQLSchemaHost } from '@nestjs/graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printSchemaFile, schemaSdl } from '../../../src/cli/schema-sdl';
import { removeDataDir, startApp } from '../../support/app';

const COMMITTED = join(__dirname, '../../../schema.gql');

describe('schema.gql', () => {
  let generated: string;
  beforeAll(async () => {
    generated = await schemaSdl();
  });

  it('the committed file is what the resolvers declare (when this fails: npm run schema, then commit schema.gql)', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(generated);
  });

  it('the server serves exactly the schema that npm run schema writes', async () => {
    const app = await startApp();
    try {
      expect(printSchemaFile(app.app.get(GraphQLSchemaHost).schema)).toBe(generated);
    } finally {
      await app.close();
      removeDataDir(app.dataDir);
    }
  });
});
