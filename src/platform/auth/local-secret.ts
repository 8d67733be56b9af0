import type { Settings } from '../config/settings';
import { generatedSecret } from '../config/generated-secret';

/**
 * The HS256 secret for local use: AUTH_SECRET, or else one generated once into DATA_DIR so that
 * `npm start` and `npm run token` agree on a fresh machine without a hard-coded default secret.
 */
export function resolveHmacSecret(settings: Pick<Settings, 'AUTH_SECRET' | 'DATA_DIR'>): string {
  return settings.AUTH_SECRET ?? generatedSecret(settings.DATA_DIR, 'auth-secret');
}
