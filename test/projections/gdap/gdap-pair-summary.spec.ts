import {
  decodePairSummary,
  encodePairSummary,
  grantsInForceOf,
  NO_GDAP,
  pairSummaryOf,
} from '../../../projections/gdap/gdap-pair-summary';
import { storedRoles } from '../../../projections/gdap/gdap-pair-summary-roles';
import { pairSummaryEncoder } from '../../../projections/gdap/gdap-pair-summary-tuples';
import { encodePairSummaryV5 } from '../../support/gdap-view';
import { gdapRelationshipsProjection } from '../../../projections/gdap/gdap-relationships.projection';
import type { GdapRelationshipView } from '../../../projections/gdap/gdap-relationship-view';
import {
  DIRECTORY_ROLE_CATALOGUE,
  DIRECTORY_ROLES,
  type DirectoryRole,
} from '../../../src/gdap/domain/role-catalogue';
import { relationshipNode, toRelationship } from '../../../src/gdap/gdap.mapper';
import {
  DelegatedAdminAccessAssignmentStatus,
  DelegatedAdminRelationshipStatus,
} from '../../../src/gdap/gdap.types';
import type { Actor } from '../../../src/platform/domain/actor';
import { DateTimeScalar } from '../../../src/platform/graphql/date-time.scalar';
import { served } from '../../support/served';

const { GLOBAL_ADMINISTRATOR, HELPDESK_ADMINISTRATOR, USER_ADMINISTRATOR } = DIRECTORY_ROLES;

/** How version 3 wrote a row (role lists as template ids joined by spaces), still read. */
const encodePairSummaryV3 = pairSummaryEncoder(
  (roles: readonly DirectoryRole[]) => roles.map((role) => role.roleTemplateId).join(' '),
  false,
);
/** How version 4 wrote a row (tuples, role codes, epoch ms), still read. */
const encodePairSummaryV4 = pairSummaryEncoder(storedRoles, true);
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

const servedSummary = (summary: ReturnType<typeof decodePairSummary>) => served(summary);

// Every status the API serves: a status added later is covered without touching this spec.
const RELATIONSHIP_STATUSES = Object.values(DelegatedAdminRelationshipStatus);
const ASSIGNMENT_STATUSES = Object.values(DelegatedAdminAccessAssignmentStatus);

describe('the Customers page’s GDAP pair summary (gdap_pair_summaries)', () => {
  it('R16, R60–R67: a row version 6 writes reads back as versions 4 and 5 wrote it, for every relationship and assignment status, as GraphQL serves it', () => {
    for (const status of RELATIONSHIP_STATUSES) {
      for (const assignmentStatus of ASSIGNMENT_STATUSES) {
        const views = [
          relationship('a', 'Fabrikam audit', {
            status,
            assignments: relationship('a', 'x').assignments.map((assignment) => ({
              ...assignment,
              status: assignmentStatus,
            })),
          }),
          relationship('b', 'Fabrikam helpdesk', {
            status,
            approvalUrl: null,
            emailDraft: null,
            approvalExpiresAt: null,
            activatedAt: null,
            endDateTime: null,
            roles: [{ roleTemplateId: 'not-in-the-catalogue', displayName: 'Custom' }],
          }),
          relationship('c', 'Fabrikam \t "quoted"\n', {
            status,
            endDateTime: '2025-06-01T00:00:00Z',
          }),
        ];
        const read = (text: string) =>
          decodePairSummary(PAIR.partnerTenantId, PAIR.customerTenantId, text);
        const fromVersionSix = read(encodePairSummary(views));
        expect(servedSummary(fromVersionSix)).toEqual(
          servedSummary(read(encodePairSummaryV4(views))),
        );
        expect(served(fromVersionSix)).toEqual(served(read(encodePairSummaryV5(views))));
        expect(servedSummary(fromVersionSix)).toEqual(servedSummary(pairSummaryOf(views)));
      }
    }
  });

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
    expect(servedSummary(summary)).toEqual(servedSummary(pairSummaryOf(views)));
    // Decoded straight into the nodes the page serves, as gdap.mapper.ts maps a view for a partner.
    const partnerUser = { tenantKind: 'partner', tenantId: PAIR.partnerTenantId } as Actor;
    expect(served(summary.relationships)).toEqual(
      served(views.map((view) => toRelationship(view, partnerUser))),
    );
    expect(served(summary.relationships)).toEqual(served(views.map(relationshipNode)));
    expect(summary.relationships[1].createdDateTime).toBe('2025-03-01T08:00:00.000Z');
  });

  it('R16: a row keeps its moments as the text toISOString writes, which the nodes serve as it is', () => {
    const view = relationship('a', 'Fabrikam helpdesk', {
      createdAt: '2025-03-01T08:00Z',
      endDateTime: '2025-06-01T00:00:00+00:00',
    });
    const text = encodePairSummary([view]);
    expect(text).toContain('"2025-03-01T08:00:00.000Z"');
    expect(text).not.toContain('"2025-03-01T08:00Z"');
    const summary = decodePairSummary(PAIR.partnerTenantId, PAIR.customerTenantId, text);
    const [node] = summary.relationships;
    expect(node.activatedDateTime).toBe(view.activatedAt);
    expect(node.createdDateTime).toBe('2025-03-01T08:00:00.000Z');
    expect(node.endDateTime).toBe('2025-06-01T00:00:00.000Z');
    expect(node.accessAssignments[1].createdDateTime).toBe('2025-03-01T09:02:00.000Z');
    expect(DateTimeScalar.serialize(node.approvalExpiresDateTime)).toBe(view.approvalExpiresAt);
    // The grants keep the end as the events gave it (R67), and hold until it.
    expect(summary.grants.map((grant) => grant.endDateTime)).toEqual([view.endDateTime]);
    expect(summary.grantsHoldUntil).toBe(Date.parse('2025-06-01T00:00:00.000Z'));
    expect(JSON.parse(text)).not.toContainEqual(expect.any(Array));
  });

  it('R60–R66: a row keeps statuses, auto-extend and built-in groups as codes, a group the partner defines as itself', () => {
    const view = relationship('a', 'Fabrikam helpdesk', { status: 'expiring' });
    const text = encodePairSummary([view]);
    for (const value of ['expiring', 'active', 'pending', 'P180D', 'HELPDESK_AGENTS']) {
      expect(text).not.toContain(`"${value}"`);
    }
    expect(text).toContain('"tier-two"');
    const [node] = decodePairSummary(
      PAIR.partnerTenantId,
      PAIR.customerTenantId,
      text,
    ).relationships;
    expect([node.status, node.autoExtendDuration]).toEqual(['expiring', 'P180D']);
    expect(
      node.accessAssignments.map((assignment) => [assignment.securityGroupId, assignment.status]),
    ).toEqual([
      ['HELPDESK_AGENTS', 'active'],
      ['tier-two', 'pending'],
    ]);
  });

  it('R16, R60: a row keeps catalogue role lists as codes, in their order, not as template ids', () => {
    const view = relationship('a', 'Fabrikam helpdesk', {
      roles: [USER_ADMINISTRATOR, GLOBAL_ADMINISTRATOR, HELPDESK_ADMINISTRATOR],
    });
    const text = encodePairSummary([view]);
    expect(text).not.toContain(USER_ADMINISTRATOR.roleTemplateId);
    expect(text).not.toContain(HELPDESK_ADMINISTRATOR.roleTemplateId);
    expect(text.length).toBeLessThan(encodePairSummaryV3([view]).length);
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

  it('R16: rows version 4 wrote (tuples, epoch ms), 3 wrote (template ids) and 2 wrote (moments as ISO text) read as the same nodes, as version 5 reads them while it builds', () => {
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
    expect(read(versionThree)).toEqual(read(encodePairSummaryV4(views)));
    expect(read(versionTwo)).toEqual(read(encodePairSummaryV4(views)));
    expect(read(versionThree)).toEqual(pairSummaryOf(views));
    expect(servedSummary(read(encodePairSummaryV4(views)))).toEqual(
      servedSummary(read(encodePairSummary(views))),
    );
  });

  it('R16: version 8 declares version 7, on its tables but the count of changes, as its previous: kept up while 8 builds', () => {
    const { previous } = gdapRelationshipsProjection;
    expect(previous).toMatchObject({
      name: gdapRelationshipsProjection.name,
      version: gdapRelationshipsProjection.version - 1,
    });
    const counted = (names: readonly string[]) =>
      names.filter((name) => !/gdap_partner_changes/.test(name));
    expect(previous!.tables).toEqual(counted(gdapRelationshipsProjection.tables));
    expect(previous!.schema).toEqual(counted(gdapRelationshipsProjection.schema));
    expect(gdapRelationshipsProjection.tables).toContain('gdap_partner_changes');
  });

  it('R60, R62, R66: version 6 keeps each relationship’s customer display name and each assignment’s change time; version 5’s row, and a view without them, serve null and the creation time', () => {
    const named = relationship('a', 'Fabrikam audit', {
      customerDisplayName: 'Fabrikam, Inc. "EU"',
    });
    named.assignments[0] = { ...named.assignments[0], changedAt: '2025-03-02T10:00:00.000Z' };
    const views = [named, relationship('b', 'Fabrikam helpdesk')];
    const read = (text: string) =>
      decodePairSummary(PAIR.partnerTenantId, PAIR.customerTenantId, text).relationships.map(
        (node) => [
          node.customerDisplayName,
          ...node.accessAssignments.map((assignment) =>
            new Date(assignment.lastModifiedDateTime).toISOString(),
          ),
        ],
      );
    const created = ['2025-03-01T09:01:00.000Z', '2025-03-01T09:02:00.000Z'];
    expect(read(encodePairSummary(views))).toEqual([
      ['Fabrikam, Inc. "EU"', '2025-03-02T10:00:00.000Z', created[1]],
      [null, ...created],
    ]);
    expect(read(encodePairSummaryV5(views))).toEqual([
      [null, ...created],
      [null, ...created],
    ]);
    expect(read(encodePairSummaryV4(views))).toEqual(read(encodePairSummaryV5(views)));
    expect(served(pairSummaryOf(views))).toEqual(
      served(
        decodePairSummary(PAIR.partnerTenantId, PAIR.customerTenantId, encodePairSummary(views)),
      ),
    );
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
