import { existingSecret, generatedSecret } from '../platform/config/generated-secret';
import type { Settings } from '../platform/config/settings';

type KeySettings = Pick<Settings, 'AUDIT_SEAL_KEY' | 'DATA_DIR'>;

const KEY_FILE = 'audit-seal-key';

/** The seals' HMAC key: AUDIT_SEAL_KEY, or else one generated once into DATA_DIR/audit-seal-key. */
export const sealKey = (settings: KeySettings): string =>
  settings.AUDIT_SEAL_KEY ?? generatedSecret(settings.DATA_DIR, KEY_FILE);

/** The key as `audit verify` finds it, never creating one: undefined when there is none. */
export const existingSealKey = (settings: KeySettings): string | undefined =>
  settings.AUDIT_SEAL_KEY ?? existingSecret(settings.DATA_DIR, KEY_FILE);
