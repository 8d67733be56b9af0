import { csvField } from '../platform/common/csv';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { AUDIT_FIELDS, type AuditRow, dataText } from '../../projections/audit/audit-columns';
import type { AuditQueries } from '../../projections/audit/audit.queries';
import type { EventStore, RecordedEvent } from '../platform/event-store/event-store';
import { auditRecordOf } from './audit-record';
import { eventOf, referencedEvents } from './referenced-events';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  customerTenantId: string;
  from?: Date;
  to?: Date;
  format: ExportFormat;
}

const PAGE = 1000;

/** A customer the audit log has never heard of: a typo, most likely, so nothing is written. */
export class UnknownCustomerError extends Error {
  constructor(customerTenantId: string) {
    super(
      `no audit entry concerns customer "${customerTenantId}": unknown tenant (check the id); nothing exported`,
    );
  }
}

const camelCase = (path: string): string =>
  path.replace(/\.(\w)/g, (_, letter: string) => letter.toUpperCase());

/** The CSV columns, as AUDIT_FIELDS declares them: the record path in camelCase, text as stored. */
const CSV_COLUMNS: [string, (row: AuditRow, data: string) => string | number | null][] =
  AUDIT_FIELDS.map((field) => {
    const header = camelCase(field.field);
    if (field.sql === null) return [header, (_row, data) => data];
    if ('json' in field && field.json === 'words') {
      return [header, (row) => (JSON.parse(String(row[field.name])) as string[]).join(' ')];
    }
    return [header, (row) => row[field.name]];
  });

const LINE: Record<ExportFormat, (row: AuditRow, event: RecordedEvent) => string> = {
  ndjson: (row, event) => `${JSON.stringify(auditRecordOf(row, event.data))}\n`,
  csv: (row, event) => {
    const data = dataText(event.data);
    return `${CSV_COLUMNS.map(([, value]) => csvField(value(row, data))).join(',')}\r\n`;
  },
};

/**
 * Writes one customer's audit log, each entry with its event's data read from the event store (UnknownCustomerError for a customer it never mentions), oldest
 * first, page by page (keyset on position): memory stays
 * the size of one page whatever the log's length. Entries recorded after the export began are
 * left for the next one, so an archive is a consistent prefix of the log.
 */
export async function exportAudit(
  queries: AuditQueries,
  store: EventStore,
  options: ExportOptions,
  out: Writable,
): Promise<{ entries: number; through: number }> {
  const through = queries.head();
  const known = { customerTenantId: options.customerTenantId };
  if (queries.oldestFirst({ kind: 'everything' }, known, 1, 0, through).length === 0) {
    throw new UnknownCustomerError(options.customerTenantId);
  }
  const filter = { ...known, from: options.from, to: options.to };
  const line = LINE[options.format];
  if (options.format === 'csv')
    await write(out, `${CSV_COLUMNS.map(([name]) => name).join(',')}\r\n`);
  let after = 0;
  let entries = 0;
  for (;;) {
    const rows = queries.oldestFirst({ kind: 'everything' }, filter, PAGE, after, through);
    if (rows.length === 0) break;
    const events = await referencedEvents(store, rows);
    await write(out, rows.map((row) => line(row, eventOf(events, row))).join(''));
    entries += rows.length;
    after = rows[rows.length - 1].position;
  }
  return { entries, through };
}

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}
