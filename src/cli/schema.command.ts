import { Command, InvalidArgumentError } from 'commander';
import { writeFileSync } from 'node:fs';

export const schemaCommand = new Command('schema')
  .description('Print the GraphQL schema (SDL) the resolvers declare, or write it to a file')
  .option('--out <file>', 'write it to this file (npm run schema writes schema.gql)', filePath)
  .action(async (options: { out?: string }) => {
    // Loaded when chosen: every resolver and the GraphQL stack.
    const { schemaSdl } = await import('./schema-sdl');
    const sdl = await schemaSdl();
    if (options.out === undefined) {
      process.stdout.write(`${sdl}\n`);
      return;
    }
    writeFileSync(options.out, sdl);
    console.error(`wrote ${options.out}`);
  });

/** An empty path is a slip (an unset variable), refused rather than read as stdout. */
function filePath(value: string): string {
  if (!value.trim()) throw new InvalidArgumentError('a file path, not an empty one');
  return value;
}
