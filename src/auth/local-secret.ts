import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../config/settings';
import { ensurePrivateDir, writePrivateFile } from '../security/private-files';

/**
 * The HS256 secret for local use: AUTH_SECRET, or else one generated once into DATA_DIR so that
 * `npm start` and `npm run token` agree on a fresh machine without a hard-coded default secret.
 */
export function resolveHmacSecret(settings: Pick<Settings, 'AUTH_SECRET' | 'DATA_DIR'>): string {
  if (settings.AUTH_SECRET) return settings.AUTH_SECRET;
  const file = join(settings.DATA_DIR, 'auth-secret');
  if (!existsSync(file)) {
    ensurePrivateDir(settings.DATA_DIR);
    try {
      writePrivateFile(file, randomBytes(32).toString('hex'), 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readFileSync(file, 'utf8').trim();
}
