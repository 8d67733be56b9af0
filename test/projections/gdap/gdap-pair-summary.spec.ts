import {
  decodePairSummary,
  encodePairSummary,
  grantsInForceOf,
  NO_GDAP,
  pairSummaryOf,
} from '../../../projections/gdap/gdap-pair-summary';
import { gdapRelationshipsProjection } from '../../../projections/gdap/gdap-relationships.projection';
import type { GdapRelationshipView } from '../../../projections/gdap/gdap-relationships.queries';
import { encodePairSummaryV3 } from '../../../projections/gdap/previous/gdap-pair-summary.v3';
import { DIRECTORY_ROLE_CATALOGUE, DIRECTORY_ROLES } from '../../../src/gdap/domain/role-catalogue';
import { relationshipNode, toRelationship } from '../../../src/gdap/gdap.mapper';
import type { Actor } from '../../../src/platform/domain/actor';

const { GLOBAL_ADMINISTRATOR, HELPDESK_ADMINISTRATOR, USER_ADMINISTRATOR } = DIRECTORY_ROLES;
const PAIR = { partnerTenantId: 'contoso-partners', customerTenantId: 'fabrikam' };

const relationship = (
  id: string,
  displayName: string,
  changes: Partial<GdapRelationshipView> = {},
): GdapRelationshipView => ({
  relationshipId: `${id}@contoso-partners`,
  ...PAIR,
  partnerName: 'Contoso Partners',
  displayName,
  duration: 'P90D',
  roles: [HELPDESK_ADMINISTRATOR, USER_ADMINISTRATOR],
  autoExtendDuration: 'P180D',
  status: 'active',
  approvalUrl: 'https://admin.microsoft.com/approve/1',
  emailDraft: { subject: 'Approve', body: 'Open the link' },
  approvalExpiresAt: '2025-05-30T09:01:00.000Z',
  activatedAt: '2025-03-01T09:00:00.000Z',
  endDateTime: '2025-06-01T00:00:00.000Z',
  createdAt: '2025-03-01T08:00:00.000Z',
  changedAt: '2025-03-01T09:00:00.000Z',
  assignments: [
    {
      assignmentId: `${id}-helpdesk`,
      relationshipId: `${id}@contoso-partners`,
      securityGroupId: 'HELPDESK_AGENTS',
      roles: [HELPDESK_ADMINISTRATOR],
      status: 'active',
      createdAt: '2025-03-01T09:01:00.000Z',
    },
    {
      assignmentId: `${id}-tier-two`,
      relationshipId: `${id}@contoso-partners`,
      securityGroupId: 'tier-two',
      roles: [],
      status: 'pending',
      createdAt: '2025-03-01T09:02:00.000Z',
    },
  ],
  ...changes,
});

describe('the Customers page’s GDAP pair summary (gdap_pair_summaries)', () => {
  it('R16, R60: reads back the relationships it stored, roles the catalogue does not name too', () => {
    const views = [
      relationship('a', 'Fabrikam audit', {
        status: 'created',
        approvalUrl: null,
        emailDraft: null,
        activatedAt: null,
        endDateTime: null,
        roles: [{ roleTemplateId: USER_ADMINISTRATOR.roleTemplateId, displayName: 'Renamed' }],
        assignments: [],
      }),
      relationship('b', 'Fabrikam helpdesk'),
    ];
    const summary = decodePairSummary(
      PAIR.partnerTenantId,
      PAIR.customerTenantId,
      encodePairSummary(views),
    );
    expect(summary).toEqual(pairSummaryOf(views));
    // Decoded straight into the nodes the page serves, as gdap.mapper.ts maps a view for a partner.
    const partnerUser = { tenantKind: 'partner', tenantId: PAIR.partnerTenantId } as Actor;
    expect(summary.relationships).toEqual(views.map((view) => toRelationship(view, partnerUser)));
    expect(summary.relationships).toEqual(views.map(relationshipNode));
    expect(summary.relationships[1].createdDateTime).toEqual(new Date('2025-03-01T08:00:00.000Z'));
  });

  it('R16: a row keeps its moments as epoch ms (a Date from a number), the end as the events gave it', () => {
    const view = relationship('a', 'Fabrikam helpdesk');
    const text = encodePairSummary([view]);
    for (const moment of [
      view.createdAt,
      view.changedAt,
      view.activatedAt!,
      view.approvalExpiresAt!,
    ]) {
      expect(text).not.toContain(moment);
      expect(text).toContain(String(Date.parse(moment)));
    }
    expect(text).toContain(`"${view.endDateTime}"`);
    const [node] = decodePairSummary(
      PAIR.partnerTenantId,
      PAIR.customerTenantId,
      text,
    ).relationships;
    expect(node.activatedDateTime).toEqual(new Date(view.activatedAt!));
    expect(node.accessAssignments[1].createdDateTime).toEqual(new Date('2025-03-01T09:02:00.000Z'));
  });

  it('R16, R60: a row keeps catalogue role lists as codes, in their order, not as template ids', () => {
    const view = relationship('a', 'Fabrikam helpdesk', {
      roles: [USER_ADMINISTRATOR, GLOBAL_ADMINISTRATOR, HELPDESK_ADMINISTRATOR],
    });
    const text = encodePairSummary([view]);
    expect(text).not.toContain(USER_ADMINISTRATOR.roleTemplateId);
    expect(text).not.toContain(HELPDESK_ADMINISTRATOR.roleTemplateId);
    expect(text.length).toBeLessThan(encodePairSummaryV3([view]).length - 100);
    const [node] = decodePairSummary(
      PAIR.partnerTenantId,
      PAIR.customerTenantId,
      text,
    ).relationships;
    expect(node.roles).toEqual([USER_ADMINISTRATOR, GLOBAL_ADMINISTRATOR, HELPDESK_ADMINISTRATOR]);
    expect(node.accessAssignments.map((assignment) => assignment.roles)).toEqual([
      [HELPDESK_ADMINISTRATOR],
      [],
    ]);
  });

  it('R16, R60: every role of the catalogue, and all ten in one list, read back as stored', () => {
    const views = DIRECTORY_ROLE_CATALOGUE.map((role, index) =>
      relationship(String(index), `Role ${index}`, {
        roles: [role],
        assignments: [],
      }),
    );
    const all = relationship('all', 'All roles', {
      roles: [...DIRECTORY_ROLE_CATALOGUE].reverse(),
    });
    const read = (list: GdapRelationshipView[]) =>
      decodePairSummary(PAIR.partnerTenantId, PAIR.customerTenantId, encodePairSummary(list))
        .relationships;
    expect(read(views).map((node) => node.roles)).toEqual(
      DIRECTORY_ROLE_CATALOGUE.map((role) => [role]),
    );
    expect(read([all])[0].roles).toEqual([...DIRECTORY_ROLE_CATALOGUE].reverse());
  });

  it('R16: rows version 3 wrote (template ids) and version 2 wrote (moments as ISO text) read as the same nodes, as version 4 reads them while it builds', () => {
    const views = [relationship('a', 'Fabrikam helpdesk'), relationship('b', 'Fabrikam audit')];
    const versionThree = encodePairSummaryV3(views);
    const isoMoments = (stored: unknown[]) =>
      stored.map((value, index) => ([8, 9, 11, 12].includes(index) ? toIso(value) : value));
    const toIso = (value: unknown) =>
      typeof value === 'number' ? new Date(value).toISOString() : value;
    const versionTwo = JSON.stringify(
      (JSON.parse(versionThree) as unknown[][]).map((stored) => {
        const relationshipRow = isoMoments(stored);
        relationshipRow[14] = (stored[14] as unknown[][]).map((assignment) =>
          assignment.map((value, index) => (index === 3 ? toIso(value) : value)),
        );
        return relationshipRow;
      }),
    );
    expect(versionThree).toContain(HELPDESK_ADMINISTRATOR.roleTemplateId);
    expect(versionTwo).toContain('"2025-03-01T09:02:00.000Z"');
    const read = (text: string) =>
      decodePairSummary(PAIR.partnerTenantId, PAIR.customerTenantId, text);
    expect(read(versionThree)).toEqual(read(encodePairSummary(views)));
    expect(read(versionTwo)).toEqual(read(encodePairSummary(views)));
    expect(read(versionThree)).toEqual(pairSummaryOf(views));
  });

  it('R16: version 4 declares version 3, on the same tables, as its previous: kept up while 4 builds', () => {
    expect(gdapRelationshipsProjection.previous).toMatchObject({
      name: gdapRelationshipsProjection.name,
      version: gdapRelationshipsProjection.version - 1,
      tables: gdapRelationshipsProjection.tables,
      schema: gdapRelationshipsProjection.schema,
    });
  });

  it('R16, R60: every node holding the same catalogue roles shares one frozen list', () => {
    const views = [
      relationship('a', 'Fabrikam audit'),
      relationship('b', 'Fabrikam helpdesk', {
        assignments: relationship('b', 'x').assignments.map((assignment) => ({
          ...assignment,
          roles: [HELPDESK_ADMINISTRATOR, USER_ADMINISTRATOR],
        })),
      }),
    ];
    const [a, b] = decodePairSummary(
      PAIR.partnerTenantId,
      PAIR.customerTenantId,
      encodePairSummary(views),
    ).relationships;
    expect(a.roles).toEqual([HELPDESK_ADMINISTRATOR, USER_ADMINISTRATOR]);
    expect(b.roles).toBe(a.roles);
    expect(b.accessAssignments[0].roles).toBe(a.roles);
    expect(a.roles[0]).toBe(HELPDESK_ADMINISTRATOR);
    expect(Object.isFrozen(a.roles)).toBe(true);
  });

  it('R67: the grants are the active assignments of granting relationships, in force until the first end', () => {
    const summary = pairSummaryOf([
      relationship('a', 'Fabrikam audit', { endDateTime: '2025-05-01T00:00:00.000Z' }),
      relationship('b', 'Fabrikam helpdesk'),
      relationship('c', 'Fabrikam ended', { status: 'terminationRequested' }),
    ]);
    expect(summary.grants.map((grant) => grant.assignmentId)).toEqual(['a-helpdesk', 'b-helpdesk']);
    expect(summary.grantsHoldUntil).toBe(Date.parse('2025-05-01T00:00:00.000Z'));
    const ids = (now: string) =>
      grantsInForceOf(summary, new Date(now)).map((grant) => grant.assignmentId);
    expect(ids('2025-04-30T23:59:59.999Z')).toEqual(['a-helpdesk', 'b-helpdesk']);
    expect(ids('2025-05-01T00:00:00.000Z')).toEqual(['b-helpdesk']);
    expect(ids('2025-06-01T00:00:00.000Z')).toEqual([]);
    expect(grantsInForceOf(NO_GDAP, new Date())).toEqual([]);
  });
});
