import { Command } from 'commander';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BackupInterrupted, backupDataDir } from '../platform/backup/backup';
import { loadSettings } from '../platform/config/settings';
import { describeEventStore } from '../platform/event-store/event-store.factory';
import { escapeUnprintable } from '../platform/domain/printable-text';
import { assertStoreExists, reportOpenedStores } from './opened-stores';
import { exitCodeOf, STOPPING_SIGNALS } from './stopping-signals';

export const backupCommand = new Command('backup')
  .description(
    'Copy DATA_DIR (event store, read models, checkpoints, generated secret) consistently into a new directory, while the server runs',
  )
  .requiredOption('--to <dir>', 'a new or empty directory (created 700; files 600)')
  .action(async (options: { to: string }) => {
    // resolve('') is the working directory, which a backup would be refused or written into.
    if (!options.to.trim()) throw new Error('--to is empty: name a new or empty directory');
    const settings = loadSettings();
    // A mistyped DATA_DIR would otherwise give an empty backup that says it is complete.
    assertStoreExists(settings);
    reportOpenedStores(settings);
    const report = await untilInterrupted((signal) => backupDataDir(settings, options.to, signal));
    if (!report) return;
    for (const file of report.files) {
      const bytes = statSync(join(report.target, file.name)).size;
      console.log(`backed up ${file.name} (${bytes} bytes)`);
    }
    if (settings.EVENTSTORE_URL) {
      console.log(
        `the events live in ${describeEventStore(settings)}: back them up with EventStoreDB's own tools`,
      );
    }
    // The path as given: an escape sequence in it is shown, never run by the terminal.
    console.log(`backup complete in ${escapeUnprintable(report.target)}`);
    for (const leftover of report.leftovers) {
      console.error(
        `partner-ledger: ${escapeUnprintable(leftover)} is the partial copy of a backup that did not finish (killed, or still running): remove it once no backup runs`,
      );
    }
  });

/**
 * Runs `backup` with Ctrl-C (SIGINT) and SIGTERM heard as a request to stop: the backup removes
 * its partial copy and says so, and the command exits 128 + the signal's number, as a shell
 * expects of a command a signal ended. Undefined when interrupted.
 */
async function untilInterrupted<T>(
  backup: (signal: AbortSignal) => Promise<T>,
): Promise<T | undefined> {
  const controller = new AbortController();
  const abort = (signal: NodeJS.Signals) => controller.abort(signal);
  STOPPING_SIGNALS.forEach((signal) => process.once(signal, abort));
  try {
    return await backup(controller.signal);
  } catch (error) {
    if (!(error instanceof BackupInterrupted)) throw error;
    console.error(`partner-ledger: ${error.message}`);
    process.exitCode = exitCodeOf(error.reason as NodeJS.Signals);
    return undefined;
  } finally {
    STOPPING_SIGNALS.forEach((signal) => process.off(signal, abort));
  }
}
