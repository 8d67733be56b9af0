import { Command, InvalidArgumentError } from 'commander';
import { closeSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { SCHEMA_FILE_HEADER } from './schema-header';

export const schemaCommand = new Command('schema')
  .description('Print the GraphQL schema (SDL) the resolvers declare, or write it to a file')
  .option('--out <file>', 'write it to this file (npm run schema writes schema.gql)', filePath)
  .action(async (options: { out?: string }) => {
    if (options.out !== undefined) assertMayWrite(options.out);
    // Loaded when chosen: every resolver and the GraphQL stack.
    const { schemaSdl } = await import('./schema-sdl');
    const sdl = await schemaSdl();
    if (options.out === undefined) {
      process.stdout.write(`${sdl}\n`);
      return;
    }
    try {
      writeFileSync(options.out, sdl);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new Error(`${options.out} cannot be written (${code}); nothing was written`);
    }
    console.error(`wrote ${options.out}`);
  });

/** An empty path is a slip (an unset variable), refused rather than read as stdout. */
function filePath(value: string): string {
  if (!value.trim()) throw new InvalidArgumentError('a file path, not an empty one');
  return value;
}

/**
 * `--out` replaces only a schema file this command wrote, or an empty or new file: a slip that
 * names another file (the event store, say) must not destroy it.
 */
function assertMayWrite(path: string): void {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new Error(`${path} is a directory: --out names a file`);
    // A pipe or a device would block the write, or take the schema somewhere unexpected.
    if (!stat.isFile()) throw new Error(`${path} is not a regular file: --out names a file`);
    size = stat.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (size === 0 || startsWithHeader(path)) return;
  throw new Error(
    `${path} is not a schema file this command wrote (it does not begin with its header): refusing to replace it; remove it first or name another file`,
  );
}

function startsWithHeader(path: string): boolean {
  const expected = Buffer.from(SCHEMA_FILE_HEADER);
  const head = Buffer.alloc(expected.length);
  const file = openSync(path, 'r');
  try {
    return readSync(file, head, 0, head.length, 0) === head.length && head.equals(expected);
  } finally {
    closeSync(file);
  }
}
