import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from '../security/private-files';

/**
 * A secret kept in `DATA_DIR/<name>` (mode 600), generated once on first use, so that every
 * process on the same DATA_DIR agrees without a hard-coded default. Two processes racing to
 * create it both end up reading the one that won.
 */
export function generatedSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  if (!existsSync(file)) {
    ensurePrivateDir(dataDir);
    try {
      writePrivateFile(file, randomBytes(32).toString('hex'), 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readFileSync(file, 'utf8').trim();
}

/** The secret in `DATA_DIR/<name>` if one was generated, without creating it. */
export function existingSecret(dataDir: string, name: string): string | undefined {
  const file = join(dataDir, name);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}
