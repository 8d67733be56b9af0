import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gdapRelationshipsHistoryProjection } from '../../../projections/gdap/gdap-relationships-history.projection';
import { GdapRelationshipsHistoryQueries } from '../../../projections/gdap/gdap-relationships-history.queries';
import { gdapRelationshipsProjection } from '../../../projections/gdap/gdap-relationships.projection';
import { GdapRelationshipsQueries } from '../../../projections/gdap/gdap-relationships.queries';
import type { GdapEvent } from '../../../src/gdap/domain/events';
import { DIRECTORY_ROLES } from '../../../src/gdap/domain/role-catalogue';
import { applyTyped, type Projection } from '../../../src/platform/projection-engine/projection';
import type { Recorded } from '../../../src/events';
import { ReadStore } from '../../../src/platform/read-store/read-store';
import { at, projectionSpec, SPEC_ACTOR } from '../../support/projection-spec';
import { served } from '../../support/served';
import {
  GDAP_APPROVED,
  GDAP_ASSIGNMENT_ID as ASSIGNMENT,
  GDAP_PAIR as pair,
  GDAP_RELATIONSHIP_ID as REL,
  gdapCreated,
} from '../../support/gdap-spec-events';

const { USER_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR } = DIRECTORY_ROLES;
const roles = [USER_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR];
const created = gdapCreated(roles);

/** A life: approval, an assignment, R65's role removal, expiring, auto-extended, terminated. */
const LIFE: GdapEvent[] = [
  created,
  {
    type: 'DelegatedAdminRelationshipApprovalRequested',
    data: {
      ...pair,
      approvalUrl: 'https://admin.microsoft.com/approve/1',
      emailDraft: { subject: 'Approve', body: 'Open https://admin.microsoft.com/approve/1' },
      expiresAt: '2025-05-30T09:01:00.000Z',
    },
  },
  GDAP_APPROVED,
  {
    type: 'DelegatedAdminAccessAssignmentCreated',
    data: { ...pair, assignmentId: ASSIGNMENT, securityGroupId: 'tier-two', roles },
  },
  { type: 'DelegatedAdminAccessAssignmentActivated', data: { ...pair, assignmentId: ASSIGNMENT } },
  {
    type: 'DelegatedAdminRelationshipUpdated',
    data: {
      ...pair,
      displayName: 'Fabrikam helpdesk',
      duration: 'P90D',
      roles: [USER_ADMINISTRATOR],
      autoExtendDuration: 'P180D',
    },
  },
  {
    type: 'DelegatedAdminRelationshipExpiring',
    data: { ...pair, endDateTime: '2025-05-30T09:02:00.000Z' },
  },
  {
    type: 'DelegatedAdminRelationshipAutoExtended',
    data: {
      ...pair,
      previousEndDateTime: '2025-05-30T09:02:00.000Z',
      endDateTime: '2025-11-26T09:02:00.000Z',
    },
  },
  {
    type: 'DelegatedAdminRelationshipTerminationRequested',
    data: { ...pair, requestedBy: 'CUSTOMER' },
  },
  { type: 'DelegatedAdminRelationshipTerminated', data: pair },
];

const recorded = (event: GdapEvent, index: number) =>
  ({
    id: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
    streamId: 'gdap-contoso-partners',
    type: event.type,
    data: event.data,
    metadata: {
      correlationId: `c-${index}`,
      causationId: `c-${index}`,
      actor: SPEC_ACTOR,
      occurredAt: at(index),
      schemaVersion: 1,
    },
    revision: index,
    position: index + 1,
    created: new Date(at(index)),
  }) as Recorded;

describe('gdap-relationships-history projection (R43)', () => {
  it('R43, R61: a version per event, applied twice the same; deleted, the view is null', () => {
    const view = {
      relationshipId: REL,
      partnerTenantId: 'contoso-partners',
      partnerName: 'Contoso Partners',
      customerTenantId: 'fabrikam',
      displayName: 'Fabrikam helpdesk',
      duration: 'P90D',
      roles,
      autoExtendDuration: 'PT0S',
      status: 'created',
      approvalUrl: null,
      emailDraft: null,
      approvalExpiresAt: null,
      activatedAt: null,
      endDateTime: null,
      createdAt: at(0),
      changedAt: at(0),
      assignments: [],
    };
    const version = (position: number, validFrom: string, value: unknown) => ({
      relationship_id: REL,
      position,
      valid_from: validFrom,
      partner_tenant_id: 'contoso-partners',
      customer_tenant_id: 'fabrikam',
      view: value === null ? null : JSON.stringify(value),
    });
    projectionSpec(gdapRelationshipsHistoryProjection)
      .when(
        { ...created, occurredAt: at(0) },
        { type: 'DelegatedAdminRelationshipDeleted', data: pair, occurredAt: at(5) },
      )
      .then({
        gdap_relationship_versions: [version(1, at(0), view), version(2, at(5), null)],
      });
  });

  it('R43, R60–R66: after every event, its latest version is what gdap-relationships holds now', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gdap-history-'));
    const store = new ReadStore(join(dir, 'read-models.db'));
    const projections: Projection[] = [
      gdapRelationshipsProjection,
      gdapRelationshipsHistoryProjection,
    ];
    try {
      store.transaction(() =>
        projections.forEach((projection) =>
          [...projection.schema, ...(projection.queryIndexes ?? [])].forEach((ddl) =>
            store.db.exec(ddl),
          ),
        ),
      );
      const current = new GdapRelationshipsQueries(store);
      const history = new GdapRelationshipsHistoryQueries(store);
      LIFE.forEach((event, index) => {
        store.transaction(() =>
          projections.forEach((projection) =>
            applyTyped(projection, recorded(event, index), store),
          ),
        );
        const asOf = new Date(at(index));
        const [then] =
          history.ofCustomers('contoso-partners', ['fabrikam'], asOf).get('fabrikam') ?? [];
        expect([event.type, then]).toEqual([event.type, current.byId(REL)]);
        // The Customers page reads the same summary now and at asOf.
        // (As GraphQL serves them: the summary row's moments are ISO text, the history's Dates.)
        expect([
          event.type,
          served(history.summariesOf('contoso-partners', ['fabrikam'], asOf)),
        ]).toEqual([event.type, served(current.summariesOf('contoso-partners', ['fabrikam']))]);
      });
      // Asked about an earlier moment, it answers the version of that moment.
      const [approved] = history
        .ofCustomers('contoso-partners', ['fabrikam'], new Date(at(2)))
        .get('fabrikam')!;
      expect(approved).toMatchObject({ status: 'active', assignments: [] });
      const before = new Date(Date.parse(at(0)) - 60_000);
      expect(
        history.ofCustomers('contoso-partners', ['fabrikam'], before).get('fabrikam'),
      ).toBeUndefined();
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
