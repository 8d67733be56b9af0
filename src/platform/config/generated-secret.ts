import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from '../security/private-files';

/** As AUTH_SECRET and AUDIT_SEAL_KEY must be at least: a generated one has 64. */
const SECRET_MIN_LENGTH = 32;

/**
 * A secret kept in `DATA_DIR/<name>` (mode 600), generated once on first use, so that every
 * process on the same DATA_DIR agrees without a hard-coded default. Two processes racing to
 * create it both end up reading the one that won: it is written whole beside its place and then
 * linked there, so no process ever reads it half-written.
 */
export function generatedSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  if (!existsSync(file)) {
    ensurePrivateDir(dataDir);
    const secret = randomBytes(32).toString('hex');
    const written = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writePrivateFile(written, secret, 'wx');
      linkWhereSupported(written, file, secret);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(written, { force: true });
    }
  }
  return secretIn(file);
}

/**
 * A file system without hard links gets the secret written in place: a process racing to read it
 * may then find it short, and is refused (secretIn) instead of using it.
 */
function linkWhereSupported(written: string, file: string, secret: string): void {
  try {
    linkSync(written, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    writePrivateFile(file, secret, 'wx');
  }
}

/** The secret in `DATA_DIR/<name>` if one was generated, without creating it. */
export function existingSecret(dataDir: string, name: string): string | undefined {
  const file = join(dataDir, name);
  return existsSync(file) ? secretIn(file) : undefined;
}

/**
 * An emptied or cut-short file (a full disk, `: > file`) would make a key anyone can guess: a
 * token signed with it would be taken, a seal checked against it pass. Refused, naming the file.
 */
function secretIn(file: string): string {
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < SECRET_MIN_LENGTH) {
    throw new Error(
      `${file} holds ${secret.length} characters, fewer than the ${SECRET_MIN_LENGTH} a secret needs: it was emptied or cut short. Restore it from a backup of DATA_DIR, or delete it to have a new one generated (tokens signed, or audit seals made, with the old one are then refused).`,
    );
  }
  return secret;
}
