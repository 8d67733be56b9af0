import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { isRunning } from '../common/process-identity';

/** `read-models.db.replay-<pid>-<thread>-<group>`: a parallel replay's temporary file, named by its owner. */
const TEMPORARY = /\.replay-(\d+)-\d+-\d+(-wal|-shm|-journal)?$/;

export const replayFile = (readModelsFile: string, group: number): string =>
  `${readModelsFile}.replay-${process.pid}-${threadId}-${group}`;

/**
 * Deletes the temporary files beside `readModelsFile` that a replay left when its process died
 * (a replay whose process runs keeps its own).
 */
export function discardStaleReplays(readModelsFile: string): string[] {
  const dir = dirname(readModelsFile);
  if (!existsSync(dir)) return [];
  const prefix = `${basename(readModelsFile)}.replay-`;
  const stale = readdirSync(dir).filter((name) => {
    const match = name.startsWith(prefix) ? TEMPORARY.exec(name) : null;
    return match !== null && !isRunning(Number(match[1]));
  });
  stale.forEach((name) => rmSync(join(dir, name), { force: true }));
  return stale;
}

export function removeDatabaseFile(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
}
