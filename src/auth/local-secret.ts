import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../config/settings';

/**
 * The HS256 secret for local use: AUTH_SECRET, or else one generated once into DATA_DIR so that
 * `npm start` and `npm run token` agree on a fresh machine without a hard-coded default secret.
 */
export function resolveHmacSecret(settings: Pick<Settings, 'AUTH_SECRET' | 'DATA_DIR'>): string {
  if (settings.AUTH_SECRET) return settings.AUTH_SECRET;
  const file = join(settings.DATA_DIR, 'auth-secret');
  if (!existsSync(file)) {
    mkdirSync(settings.DATA_DIR, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readFileSync(file, 'utf8').trim();
}
