import { Command, InvalidArgumentError, Option } from 'commander';
import { auditProjection } from '../../projections/audit/audit.projection';
import { AuditQueries } from '../../projections/audit/audit.queries';
import { EXPORT_FORMATS, exportAudit, type ExportFormat } from '../audit/audit-export';
import { type AuditVerification, DEFAULT_MAX_PROBLEMS, verifyAudit } from '../audit/audit-verify';
import { existingSealKey } from '../audit/seal-key';
import { loadSettings, type Settings } from '../platform/config/settings';
import { countArgument, momentArgument, tenantIdArgument } from './arguments';
import { millisecondRange } from '../platform/common/date-time';
import { failureMessage } from '../platform/faults/failure-message';
import type { EventStore } from '../platform/event-store/event-store';
import { createEventStore } from '../platform/event-store/event-store.factory';
import { ProjectionEngine } from '../platform/projection-engine/projection-engine';
import type { ReadStore } from '../platform/read-store/read-store';
import { createReadStore } from '../platform/read-store/read-store.factory';
import { assertStoreExists, COMMAND_GIVES_UP_AFTER, reportOpenedStores } from './opened-stores';

async function withStores<T>(
  work: (store: EventStore, readStore: ReadStore, settings: Settings) => Promise<T>,
) {
  const settings = loadSettings();
  assertStoreExists(settings);
  const store = createEventStore(settings);
  const readStore = createReadStore(settings);
  reportOpenedStores(settings);
  try {
    return await work(store, readStore, settings);
  } finally {
    readStore.close();
    await store.close();
  }
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
  .requiredOption('--customer <id>', 'the customer tenant id', tenantIdArgument)
  .option('--from <time>', 'entries from this moment on (inclusive)', momentArgument)
  .option('--to <time>', 'entries before this moment (exclusive)', momentArgument)
  .addOption(
    new Option('--format <format>', 'output format').choices(EXPORT_FORMATS).makeOptionMandatory(),
  )
  .action(async (flags: ExportFlags) => {
    const range = millisecondRange({ from: flags.from, to: flags.to });
    if (!range) {
      throw new InvalidArgumentError(
        '--from must be before --to (--to is exclusive; entries are timed to the millisecond)',
      );
    }
    await withStores(async (store, readStore) => {
      // The archive holds every event recorded so far: bring the audit log up to date first.
      await new ProjectionEngine(store, readStore, [auditProjection], {
        giveUpAfterFailures: COMMAND_GIVES_UP_AFTER,
      }).catchUp();
      const { entries, through } = await exportAudit(
        new AuditQueries(readStore),
        store,
        { customerTenantId: flags.customer, ...range, format: flags.format },
        process.stdout,
      );
      console.error(`exported ${entries} entries of ${flags.customer} up to position ${through}`);
    });
  });

function sealHash(value: string): string {
  const hash = value.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new InvalidArgumentError('a seal hash: 64 hex digits');
  return hash;
}

/** What a person reads: the verdict and each problem first, then what the chain and log hold. */
function describe(result: AuditVerification): string[] {
  const { seals, auditLog, problems } = result;
  const more = result.truncated ? ` (stopped there: --max-problems; there are more)` : '';
  const lines = result.ok
    ? ['OK: the events match their seals and the audit log matches the events']
    : [
        `FAILED: ${problems.length} problem${problems.length === 1 ? '' : 's'}${more}`,
        ...problems.map((problem) => `  - [${problem.kind}] ${problem.message}`),
      ];
  if (result.truncated) lines.push('(what follows covers only what was checked before it stopped)');
  if (seals.latest) {
    const key = seals.keyId ? `checked with key id ${seals.keyId}` : 'not checked (no key)';
    lines.push(
      `seals: ${seals.seals}, ${key}, covering the events up to position ${seals.sealedThrough}`,
      `latest seal${result.truncated ? ' checked' : ''}: #${seals.latest.sequence} at position ${seals.latest.position}, hash ${seals.latest.sealHash}`,
      result.ok
        ? '  (keep it outside the store; `audit verify --anchor HASH` later proves the chain still holds it)'
        : '  (not one to keep as an anchor: the store failed its check)',
    );
  } else {
    lines.push('seals: none yet');
  }
  if (seals.unsealed > 0) {
    lines.push(
      `not sealed yet: ${seals.unsealed} events after position ${seals.sealedThrough}, the latest seal aside (a change there, or a cut of the log after the latest seal, cannot be seen from inside the store)`,
    );
  }
  const pending =
    auditLog.pending > 0
      ? `; newer events not in it yet (up to ${auditLog.pending} positions)`
      : '';
  lines.push(
    `audit log: ${auditLog.entries} entries compared up to position ${auditLog.through}, chain head ${auditLog.head}${pending}`,
  );
  return lines;
}

interface VerifyFlags {
  maxProblems: number;
  anchor?: string;
  json?: boolean;
}

const verifyCommand = new Command('verify')
  .description(
    'Check the events against their seals and the audit log against the events; report every problem (exit 1 if any)',
  )
  .option(
    '--max-problems <n>',
    'stop after this many problems',
    countArgument,
    DEFAULT_MAX_PROBLEMS,
  )
  .option(
    '--anchor <sealHash>',
    'a seal hash kept outside the store: fail unless the chain still holds it',
    sealHash,
  )
  .option('--json', 'print the result as JSON')
  .action(async (flags: VerifyFlags) => {
    try {
      await withStores(async (store, readStore, settings) => {
        const result = await verifyAudit(store, readStore, {
          key: existingSealKey(settings),
          maxProblems: flags.maxProblems,
          anchor: flags.anchor,
        });
        console.log(flags.json ? JSON.stringify(result, null, 2) : describe(result).join('\n'));
        if (!result.ok) process.exitCode = 1;
      });
    } catch (error) {
      // A JSON reader gets an answer too when verify could not run: `ok: false` and why.
      if (flags.json)
        console.log(JSON.stringify({ ok: false, error: failureMessage(error) }, null, 2));
      throw error;
    }
  });

export const auditCommand = new Command('audit')
  .description('Export the audit log and verify it and the event store (tamper evidence)')
  .addCommand(exportCommand)
  .addCommand(verifyCommand);
