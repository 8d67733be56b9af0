import { Command } from 'commander';
import { writeFileSync } from 'node:fs';

export const schemaCommand = new Command('schema')
  .description('Print the GraphQL schema (SDL) the resolvers declare, or write it to a file')
  .option('--out <file>', 'write it to this file (npm run schema writes schema.gql)')
  .action(async (options: { out?: string }) => {
    // Loaded when chosen: every resolver and the GraphQL stack.
    const { schemaSdl } = await import('./schema-sdl');
    const sdl = await schemaSdl();
    if (!options.out) {
      process.stdout.write(`${sdl}\n`);
      return;
    }
    writeFileSync(options.out, sdl);
    console.error(`wrote ${options.out}`);
  });
