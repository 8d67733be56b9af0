import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gdapRelationshipsHistoryProjection } from '../../../projections/gdap/gdap-relationships-history.projection';
import { GdapRelationshipsHistoryQueries } from '../../../projections/gdap/gdap-relationships-history.queries';
import {
  gdapRelationshipsProjection,
  saveRelationshipView,
} from '../../../projections/gdap/gdap-relationships.projection';
import { GdapRelationshipsQueries } from '../../../projections/gdap/gdap-relationships.queries';
import { type GdapRelationshipView } from '../../../projections/gdap/gdap-relationship-view';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { activeGdapView } from '../../support/gdap-view';
import { plannedRunner } from '../../support/planned-runner';
import { createReadModels } from '../../support/read-model-tables';

const PARTNER = 'contoso-partners';
const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00.000Z');
const inDays = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();
const IN_30_DAYS = new Date(inDays(30));

/** Relationship `index`'s view, `changes` applied (its customer is customer-<index>). */
const viewOf = (index: number, changes: Partial<GdapRelationshipView>) =>
  activeGdapView(PARTNER, index, { assignments: [], ...changes });

describe('the expiring lists’ reads (R63)', () => {
  let dir: string;
  let store: ReadStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gdap-expiring-'));
    store = new ReadStore(join(dir, 'read-models.db'));
    createReadModels(store, [gdapRelationshipsProjection, gdapRelationshipsHistoryProjection]);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Records `view` as its relationship's version from `validFrom`, as the history projection does. */
  const recordVersion = (view: GdapRelationshipView, position: number, validFrom: string) =>
    store.run(
      `INSERT INTO gdap_relationship_versions (relationship_id, position, valid_from,
         partner_tenant_id, customer_tenant_id, view) VALUES (?, ?, ?, ?, ?, ?)`,
      [
        view.relationshipId,
        position,
        validFrom,
        view.partnerTenantId,
        view.customerTenantId,
        JSON.stringify(view),
      ],
    );

  it('R63, R67: a relationship past its end whose expiry is not recorded yet takes no place in the list', () => {
    // Three still "active" past their end (the scheduler has not run), one ending within 30 days,
    // one after, one expiring within 30 days, one that is not granting.
    [-3, -2, -1].forEach((days, index) =>
      saveRelationshipView(store, viewOf(index, { endDateTime: inDays(days) }), index + 1),
    );
    saveRelationshipView(store, viewOf(3, { endDateTime: inDays(10) }), 4);
    saveRelationshipView(store, viewOf(4, { endDateTime: inDays(40) }), 5);
    saveRelationshipView(store, viewOf(5, { status: 'expiring', endDateTime: inDays(5) }), 6);
    saveRelationshipView(store, viewOf(6, { status: 'terminated', endDateTime: inDays(6) }), 7);

    const { runner, plans } = plannedRunner(store);
    const listed = new GdapRelationshipsQueries(runner).endingBy(PARTNER, NOW, IN_30_DAYS, 3);
    expect(listed.map((view) => view.customerTenantId)).toEqual(['customer-5', 'customer-3']);
    expect(plans[0]).toContain(
      'SEARCH gdap_relationships USING INDEX gdap_relationships_by_end (partner_tenant_id=? AND status=? AND end_date_time>? AND end_date_time<?)',
    );
  });

  it('R63, R43: at asOf, each relationship as it stood then, ending after asOf and within the window; only that window is read', () => {
    const soon = viewOf(0, { endDateTime: inDays(20) });
    recordVersion({ ...soon, status: 'approvalPending', endDateTime: null }, 1, inDays(-10));
    recordVersion(soon, 2, inDays(-5));
    recordVersion({ ...soon, status: 'expiring' }, 3, inDays(1));
    recordVersion({ ...soon, status: 'expired' }, 4, inDays(20));
    // Relationships that ended long before, each once active: never in the window.
    for (let index = 1; index <= 20; index++) {
      const old = viewOf(index, { endDateTime: inDays(-400 + index) });
      recordVersion(old, 100 + 2 * index, inDays(-700));
      recordVersion({ ...old, status: 'expired' }, 101 + 2 * index, inDays(-400 + index));
    }
    // Active at asOf, ending after the window.
    recordVersion(viewOf(30, { endDateTime: inDays(45) }), 200, inDays(-50));

    const { runner, plans } = plannedRunner(store);
    const history = new GdapRelationshipsHistoryQueries(runner);
    const at = (asOf: Date) =>
      history
        .endingBy(PARTNER, asOf, new Date(asOf.getTime() + 30 * DAY), 10)
        .map((view) => [view.customerTenantId, view.status]);
    expect(at(NOW)).toEqual([['customer-0', 'active']]);
    expect(at(new Date(inDays(2)))).toEqual([['customer-0', 'expiring']]);
    // From 16 days on, the one ending in 45 days is within 30 days too.
    expect(at(new Date(inDays(16)))).toEqual([
      ['customer-0', 'expiring'],
      ['customer-30', 'active'],
    ]);
    expect(at(new Date(inDays(21)))).toEqual([['customer-30', 'active']]);
    // Before it was approved it granted nothing.
    expect(at(new Date(inDays(-7)))).toEqual([]);
    expect(plans[0]).toContain(
      'SEARCH v USING INDEX gdap_relationship_versions_granting_by_end (partner_tenant_id=? AND <expr>>? AND <expr><?)',
    );
  });
});
