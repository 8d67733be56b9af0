import { chmodSync, closeSync, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * DATA_DIR and what the product keeps in it are for the server's own user only: directories are
 * created 700, files 600 (SQLite gives its -wal and -shm files the mode of their database).
 */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
    throw new Error(`${resolve(dir)} is not a directory (${code}): DATA_DIR must be one`);
  }
}

/**
 * Creates `file` (empty) with mode 600 if it does not exist, and narrows an existing one to 600.
 * An existing file is never opened: closing any descriptor of a file drops every POSIX lock this
 * process holds on it, SQLite's included, and an outside SQLite client that then closed the
 * database would take itself for the last one and delete the write-ahead log the open connection
 * still writes to (acknowledged events lost on a crash).
 */
export function ensurePrivateFile(file: string): void {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (!statSync(file).isFile()) {
      throw new Error(
        `${resolve(file)} is not a file (a directory, or another kind of file, is there): move it aside`,
      );
    }
  }
  chmodSync(file, 0o600);
}

/** Writes `file` with mode 600 (a fresh file: `writeFileSync`'s mode applies only at creation). */
export function writePrivateFile(file: string, content: string, flag = 'w'): void {
  writeFileSync(file, content, { mode: 0o600, flag });
  chmodSync(file, 0o600);
}
