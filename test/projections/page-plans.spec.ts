import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autopilotDeviceCountsProjection } from '../../projections/autopilot/autopilot-device-counts.projection';
import { autopilotProjection } from '../../projections/autopilot/autopilot.projection';
import {
  type AutopilotProfileRow,
  AutopilotQueries,
} from '../../projections/autopilot/autopilot.queries';
import { customersHistoryProjection } from '../../projections/delegated-admin/customers-history.projection';
import { CustomersHistoryQueries } from '../../projections/delegated-admin/customers-history.queries';
import type { RelationshipRow } from '../../projections/delegated-admin/customers.queries';
import type { Projection } from '../../src/platform/projection-engine/projection';
import { invitationsProjection } from '../../projections/invitations/invitations.projection';
import {
  type InvitationAudienceKey,
  InvitationsQueries,
} from '../../projections/invitations/invitations.queries';
import { ReadStore, type SqlRunner } from '../../src/platform/read-store/read-store';
import { plannedRunner } from '../support/planned-runner';

const ROWS = 40;
const AS_OF = new Date('2026-06-01T00:00:00.000Z');
/** Names out of insertion order, some shared, so the key's second column matters. */
const nameOf = (index: number) => `name ${String((index * 7) % 13).padStart(2, '0')}`;

/**
 * Pages read the index ranges of what they list, never every row of the table. A keyset page after
 * a key starts its index range at the key: with the key behind
 * `@after IS NULL OR`, SQLite read every row before it (an `asOf` Customers page half-way through
 * 100,000 customers: 7.1 ms; from the key: 0.16 ms). Each page is run for real, every page of the
 * list is compared with the table, and each plan is asked of SQLite with the same SQL and
 * parameters.
 */
describe('pages read their own index ranges', () => {
  let dir: string;
  let reads: ReadStore;

  const withSchema = (projection: Projection) => {
    projection.schema.forEach((ddl) => reads.db.exec(ddl));
    projection.queryIndexes?.forEach((ddl) => reads.db.exec(ddl));
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyset-pages-'));
    reads = new ReadStore(join(dir, 'reads.db'));
    reads.transaction(() => {
      withSchema(customersHistoryProjection);
      withSchema(autopilotProjection);
      withSchema(autopilotDeviceCountsProjection);
      withSchema(invitationsProjection);
      for (let index = 0; index < ROWS; index++) {
        reads.run(
          `INSERT INTO customers_history (partner_tenant_id, customer_tenant_id, partner_name,
             customer_name, relationship_since, active, dap_status, dap_roles, search_name,
             valid_from_position, valid_from)
           VALUES ('contoso', ?, 'Contoso', ?, '2026-01-01', ?, 'NONE', '[]', ?, ?,
             '2026-01-01T00:00:00.000Z')`,
          [`customer-${index}`, nameOf(index), index % 5 === 0 ? 0 : 1, nameOf(index), index + 1],
        );
        reads.run(
          `INSERT INTO autopilot_profiles (profile_id, customer_tenant_id, name, settings, deleted,
             created_at, updated_at)
           VALUES (?, 'fabrikam', ?, '{}', ?, '2026-01-01', '2026-01-01')`,
          [`profile-${index}`, nameOf(index), index % 5 === 0 ? 1 : 0],
        );
        const customer = `customer-${index % 4}`;
        const kind = index % 3; // accepted by the customer, meant for its tenant id, for its domain
        reads.run(
          `INSERT INTO invitations (invitation_id, partner_tenant_id, partner_name,
             include_delegated_admin, intended_tenant_id, intended_domain, invitation_url,
             email_subject, email_body, outcome, customer_tenant_id, created_at, expires_at)
           VALUES (?, ?, 'Partner', 0, ?, ?, 'https://x', 's', 'b', ?, ?, ?, '2099-01-01')`,
          [
            `invitation-${index}`,
            `partner-${index % 3}`,
            kind === 1 ? customer : null,
            kind === 2 ? `${customer}.example` : null,
            kind === 0 ? 'ACCEPTED' : 'PENDING',
            kind === 0 ? customer : null,
            `2026-01-01T00:00:${nameOf(index).slice(-2)}.000Z`,
          ],
        );
      }
    });
  });

  afterAll(() => {
    reads.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The ids (`id`) a query of the table itself (NOT INDEXED) gives: what the pages must list. */
  const fromTable = (sql: string): string[] => reads.all<{ id: string }>(sql).map((row) => row.id);

  /** Every page, 3 rows at a time, each after the last row's key, and the plans of the pages. */
  function walk<Row>(page: (runner: SqlRunner, after: Row | null) => Row[]): {
    rows: Row[];
    plans: string[];
  } {
    const { runner, plans } = plannedRunner(reads);
    const rows: Row[] = [];
    for (let after: Row | null = null; ;) {
      const next = page(runner, after);
      rows.push(...next);
      if (next.length < 3) return { rows, plans: [...new Set(plans)] };
      after = next[next.length - 1];
    }
  }

  it('R43: an asOf Customers page after a key reads the name index from it', () => {
    const { rows, plans } = walk((runner, after: RelationshipRow | null) =>
      new CustomersHistoryQueries(runner).page(
        'contoso',
        3,
        after && { name: after.search_name, tenantId: after.customer_tenant_id },
        AS_OF,
      ),
    );
    expect(rows.map((row) => row.customer_tenant_id)).toEqual(
      fromTable(`SELECT customer_tenant_id AS id FROM customers_history NOT INDEXED
        WHERE active = 1 ORDER BY search_name, customer_tenant_id`),
    );
    expect(plans).toEqual([
      expect.stringMatching(/customers_history_by_name \(partner_tenant_id=\?\)/),
      expect.stringMatching(
        /customers_history_by_name \(partner_tenant_id=\? AND \(search_name,customer_tenant_id\)>\(\?,\?\)\)/,
      ),
    ]);
  });

  it('R30: a customer’s Autopilot profiles after a key read the page index from it', () => {
    const { rows, plans } = walk((runner, after: AutopilotProfileRow | null) =>
      new AutopilotQueries(runner).profilePage(
        'fabrikam',
        3,
        after && { name: after.name, id: after.profile_id },
      ),
    );
    expect(rows.map((row) => row.profile_id)).toEqual(
      fromTable(`SELECT profile_id AS id FROM autopilot_profiles NOT INDEXED WHERE deleted = 0
        ORDER BY name, profile_id`),
    );
    expect(plans).toContainEqual(
      expect.stringMatching(
        /\(customer_tenant_id=\? AND deleted=\? AND \(name,profile_id\)>\(\?,\?\)\)/,
      ),
    );
  });

  it('R5: a customer’s invitations are read from an index for each way one is its own', () => {
    const { runner, plans } = plannedRunner(reads);
    const audience: InvitationAudienceKey = {
      kind: 'customer',
      tenantId: 'customer-1',
      domain: 'customer-1.example',
    };
    const { rows } = new InvitationsQueries(runner).page(audience, undefined, AS_OF, 100, null);
    expect(rows.map((row) => row.invitation_id)).toEqual(
      fromTable(`SELECT invitation_id AS id FROM invitations NOT INDEXED
        WHERE customer_tenant_id = 'customer-1' OR intended_tenant_id = 'customer-1'
          OR intended_domain = 'customer-1.example'
        ORDER BY created_at DESC, invitation_id`),
    );
    expect(new Set(rows.map((row) => row.outcome))).toEqual(new Set(['ACCEPTED', 'PENDING']));
    expect(plans).toEqual([expect.stringContaining('MULTI-INDEX OR')]);
    expect(plans[0]).not.toMatch(/SCAN invitations/);
  });
});
