import { csvField } from '../platform/common/csv';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { AuditQueries, AuditRow } from '../../projections/audit/audit.queries';
import { auditRecordOf } from './audit-record';

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

const CSV_COLUMNS: [string, (row: AuditRow) => string | number | null][] = [
  ['position', (row) => row.position],
  ['occurredAt', (row) => row.occurred_at],
  ['type', (row) => row.type],
  ['streamId', (row) => row.stream_id],
  ['eventId', (row) => row.event_id],
  ['revision', (row) => row.revision],
  ['actorUserId', (row) => row.actor_user_id],
  ['actorName', (row) => row.actor_name],
  ['actorTenantId', (row) => row.actor_tenant_id],
  ['actorTenantKind', (row) => row.actor_tenant_kind],
  ['actorTenantName', (row) => row.actor_tenant_name],
  ['actorRoles', (row) => (JSON.parse(row.actor_roles) as string[]).join(' ')],
  ['partnerTenantId', (row) => row.partner_tenant_id],
  ['customerTenantId', (row) => row.customer_tenant_id],
  ['correlationId', (row) => row.correlation_id],
  ['summary', (row) => row.summary],
  ['data', (row) => row.data],
  ['hash', (row) => row.hash],
];

const LINE: Record<ExportFormat, (row: AuditRow) => string> = {
  ndjson: (row) => `${JSON.stringify(auditRecordOf(row))}\n`,
  csv: (row) => `${CSV_COLUMNS.map(([, value]) => csvField(value(row))).join(',')}\r\n`,
};

/**
 * Writes one customer's audit log (UnknownCustomerError for a customer it never mentions), oldest
 * first, page by page (keyset on position): memory stays
 * the size of one page whatever the log's length. Entries recorded after the export began are
 * left for the next one, so an archive is a consistent prefix of the log.
 */
export async function exportAudit(
  queries: AuditQueries,
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
    await write(out, rows.map(line).join(''));
    entries += rows.length;
    after = rows[rows.length - 1].position;
  }
  return { entries, through };
}

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}
