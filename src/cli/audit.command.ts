import { Command, InvalidArgumentError, Option } from 'commander';
import { auditProjection } from '../../projections/audit.projection';
import { AuditQueries } from '../../projections/audit.queries';
import { EXPORT_FORMATS, exportAudit, type ExportFormat } from '../audit/audit-export';
import { verifyAudit } from '../audit/audit-verify';
import { loadSettings } from '../config/settings';
import type { EventStore } from '../event-store/event-store';
import { createEventStore } from '../event-store/event-store.factory';
import { ProjectionEngine } from '../projection-engine/projection-engine';
import type { ReadStore } from '../read-store/read-store';
import { createReadStore } from '../read-store/read-store.factory';
import { reportOpenedStores } from './opened-stores';

async function withStores<T>(work: (store: EventStore, readStore: ReadStore) => Promise<T>) {
  const settings = loadSettings();
  const store = createEventStore(settings);
  const readStore = createReadStore(settings);
  reportOpenedStores(settings);
  try {
    return await work(store, readStore);
  } finally {
    readStore.close();
    await store.close();
  }
}

function moment(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(
      'an ISO 8601 date or time, e.g. 2025-03-01 or 2025-03-01T12:00Z',
    );
  }
  return date;
}

interface ExportFlags {
  customer: string;
  from?: Date;
  to?: Date;
  format: ExportFormat;
}

const exportCommand = new Command('export')
  .description(
    "Write one customer's audit log, oldest first, to stdout for compliance archives (streams: constant memory)",
  )
  .requiredOption('--customer <id>', 'the customer tenant id')
  .option('--from <time>', 'entries from this moment on (inclusive)', moment)
  .option('--to <time>', 'entries before this moment (exclusive)', moment)
  .addOption(
    new Option('--format <format>', 'output format').choices(EXPORT_FORMATS).makeOptionMandatory(),
  )
  .action(async (flags: ExportFlags) => {
    // A reader that stops early (`| head`) ends the export quietly.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
    await withStores(async (store, readStore) => {
      // The archive holds every event recorded so far: bring the audit log up to date first.
      await new ProjectionEngine(store, readStore, [auditProjection]).catchUp();
      const { entries, through } = await exportAudit(
        new AuditQueries(readStore),
        { customerTenantId: flags.customer, from: flags.from, to: flags.to, format: flags.format },
        process.stdout,
      );
      console.error(`exported ${entries} entries of ${flags.customer} up to position ${through}`);
    });
  });

const verifyCommand = new Command('verify')
  .description(
    'Re-derive the hash-chained audit log from the event store and report the first entry that differs',
  )
  .action(async () => {
    await withStores(async (store, readStore) => {
      const outcome = await verifyAudit(store, readStore);
      if (!outcome.ok) {
        console.log(`MISMATCH at position ${outcome.position}: ${outcome.problem}`);
        console.log(`(${outcome.entries} entries before it verified)`);
        process.exitCode = 1;
        return;
      }
      const pending = outcome.pending > 0 ? `; ${outcome.pending} newer events not yet in it` : '';
      console.log(
        `OK: ${outcome.entries} entries verified up to position ${outcome.through}, chain head ${outcome.head}${pending}`,
      );
    });
  });

export const auditCommand = new Command('audit')
  .description('Export and verify the tamper-evident audit log')
  .addCommand(exportCommand)
  .addCommand(verifyCommand);
