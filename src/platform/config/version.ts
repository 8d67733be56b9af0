import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The product's version from its package.json, found from here in the sources and in dist/ alike. */
export function productVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'partner-ledger') return manifest.version ?? '0.0.0';
    }
    if (dirname(dir) === dir) return '0.0.0';
  }
}
