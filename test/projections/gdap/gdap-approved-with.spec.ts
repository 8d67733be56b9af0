import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  gdapRelationshipsProjection,
  saveRelationshipView,
} from '../../../projections/gdap/gdap-relationships.projection';
import { GdapRelationshipsQueries } from '../../../projections/gdap/gdap-relationships.queries';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { activeGdapView } from '../../support/gdap-view';
import { createReadModels } from '../../support/read-model-tables';

describe('whether a customer ever approved a GDAP relationship of the partner (history’s Autopilot check)', () => {
  let dir: string;
  let reads: ReadStore;
  let queries: GdapRelationshipsQueries;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gdap-approved-'));
    reads = new ReadStore(join(dir, 'reads.db'));
    createReadModels(reads, [gdapRelationshipsProjection]);
    reads.transaction(() => {
      const views = [
        // Approved, then terminated: it was approved all the same.
        activeGdapView('contoso-partners', 1, {
          customerTenantId: 'fabrikam',
          status: 'terminated',
        }),
        // Asked for and never approved: its approval lapsed, or it waits.
        activeGdapView('northwind-partners', 2, {
          customerTenantId: 'fabrikam',
          status: 'expired',
          activatedAt: null,
        }),
        activeGdapView('northwind-partners', 3, {
          customerTenantId: 'fabrikam',
          status: 'approvalPending',
          activatedAt: null,
        }),
      ];
      views.forEach((view, index) => saveRelationshipView(reads, view, index + 1));
    });
    queries = new GdapRelationshipsQueries(reads);
  });

  afterAll(() => {
    reads.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('R17, R30, R62: an approved relationship counts whatever it is now; one never approved does not', () => {
    expect(queries.approvedWith('contoso-partners', 'fabrikam')).toBe(true);
    expect(queries.approvedWith('northwind-partners', 'fabrikam')).toBe(false);
    expect(queries.approvedWith('contoso-partners', 'woodgrove')).toBe(false);
  });
});
