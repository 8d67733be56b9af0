import type { GdapGrant } from '../../src/gdap/domain/effective-roles';
import type { GdapAssignmentStatus, GdapRelationshipStatus } from '../../src/gdap/domain/events';
import type { DirectoryRole } from '../../src/gdap/domain/role-catalogue';
import type { SqlRunner } from '../../src/platform/projection-engine/projection';

interface RelationshipRow {
  relationship_id: string;
  partner_tenant_id: string;
  partner_name: string;
  customer_tenant_id: string;
  display_name: string;
  duration: string;
  roles: string;
  auto_extend_duration: string;
  status: GdapRelationshipStatus;
  approval_url: string | null;
  email_subject: string | null;
  email_body: string | null;
  approval_expires_at: string | null;
  activated_at: string | null;
  end_date_time: string | null;
  created_at: string;
  changed_at: string;
}

interface AssignmentRow {
  assignment_id: string;
  relationship_id: string;
  security_group_id: string;
  roles: string;
  status: GdapAssignmentStatus;
  created_at: string;
}

export interface GdapAssignmentView {
  assignmentId: string;
  relationshipId: string;
  securityGroupId: string;
  roles: DirectoryRole[];
  status: GdapAssignmentStatus;
  createdAt: string;
}

export interface GdapRelationshipView {
  relationshipId: string;
  partnerTenantId: string;
  partnerName: string;
  customerTenantId: string;
  displayName: string;
  duration: string;
  roles: DirectoryRole[];
  autoExtendDuration: string;
  status: GdapRelationshipStatus;
  approvalUrl: string | null;
  emailDraft: { subject: string; body: string } | null;
  approvalExpiresAt: string | null;
  activatedAt: string | null;
  endDateTime: string | null;
  createdAt: string;
  changedAt: string;
  assignments: GdapAssignmentView[];
}

/** R67: the active assignments of granting relationships among `views`, as grants. */
export const grantsOfViews = (views: readonly GdapRelationshipView[]): GdapGrant[] =>
  views
    .filter((view) => (view.status === 'active' || view.status === 'expiring') && view.endDateTime)
    .flatMap((view) =>
      view.assignments
        .filter((assignment) => assignment.status === 'active')
        .map((assignment) => ({
          relationshipId: view.relationshipId,
          relationshipName: view.displayName,
          assignmentId: assignment.assignmentId,
          securityGroupId: assignment.securityGroupId,
          roles: assignment.roles,
          endDateTime: view.endDateTime as string,
        })),
    );

export interface GdapRelationshipFilter {
  partnerTenantId?: string;
  customerTenantId?: string;
  status?: GdapRelationshipStatus;
}

const GRANTING = `('active', 'expiring')`;

export class GdapRelationshipsQueries {
  constructor(private readonly db: SqlRunner) {}

  /** One page by id, after `after` (keyset). At least one tenant is always given by the caller. */
  page(
    filter: GdapRelationshipFilter,
    first: number,
    after: string | null,
  ): GdapRelationshipView[] {
    const rows = this.db.all<RelationshipRow>(
      `SELECT * FROM gdap_relationships
       WHERE (@partner IS NULL OR partner_tenant_id = @partner)
         AND (@customer IS NULL OR customer_tenant_id = @customer)
         AND (@status IS NULL OR status = @status)
         AND relationship_id > @after
       ORDER BY relationship_id LIMIT @limit`,
      {
        partner: filter.partnerTenantId ?? null,
        customer: filter.customerTenantId ?? null,
        status: filter.status ?? null,
        after: after ?? '',
        limit: first,
      },
    );
    return this.withAssignments(rows);
  }

  byId(relationshipId: string): GdapRelationshipView | undefined {
    const row = this.db.get<RelationshipRow>(
      'SELECT * FROM gdap_relationships WHERE relationship_id = ?',
      [relationshipId],
    );
    return row ? this.withAssignments([row])[0] : undefined;
  }

  /** The relationships of a partner with each of `customerTenantIds` (the Customers page). */
  ofCustomers(partnerTenantId: string, customerTenantIds: readonly string[]) {
    const byCustomer = new Map<string, GdapRelationshipView[]>();
    if (customerTenantIds.length === 0) return byCustomer;
    const rows = this.db.all<RelationshipRow>(
      `SELECT * FROM gdap_relationships
       WHERE partner_tenant_id = ? AND customer_tenant_id IN (SELECT value FROM json_each(?))
       ORDER BY display_name`,
      [partnerTenantId, JSON.stringify(customerTenantIds)],
    );
    for (const view of this.withAssignments(rows)) {
      byCustomer.set(view.customerTenantId, [
        ...(byCustomer.get(view.customerTenantId) ?? []),
        view,
      ]);
    }
    return byCustomer;
  }

  /** R63: a partner's granting relationships that end by `until`, soonest first. */
  endingBy(partnerTenantId: string, until: Date): GdapRelationshipView[] {
    const rows = this.db.all<RelationshipRow>(
      `SELECT * FROM gdap_relationships
       WHERE partner_tenant_id = ? AND status IN ${GRANTING} AND end_date_time <= ?
       ORDER BY end_date_time, relationship_id`,
      [partnerTenantId, until.toISOString()],
    );
    return this.withAssignments(rows);
  }

  /** R69: partners with anything that changes on its own (the scheduler's list to look at). */
  partnersWithScheduledWork(): string[] {
    return this.db
      .all<{ partner_tenant_id: string }>(
        `SELECT DISTINCT partner_tenant_id FROM gdap_relationships
         WHERE status IN ('approvalPending', 'active', 'expiring', 'terminationRequested')
         ORDER BY partner_tenant_id`,
      )
      .map((row) => row.partner_tenant_id);
  }

  /** R67: the pair's active assignments in granting relationships, as the access rules read them. */
  grants(partnerTenantId: string, customerTenantId: string): GdapGrant[] {
    return this.db
      .all<AssignmentRow & { display_name: string; end_date_time: string }>(
        `SELECT a.*, r.display_name, r.end_date_time FROM gdap_relationships r
         JOIN gdap_assignments a ON a.relationship_id = r.relationship_id
         WHERE r.partner_tenant_id = ? AND r.customer_tenant_id = ?
           AND r.status IN ${GRANTING} AND a.status = 'active'
         ORDER BY r.relationship_id, a.assignment_id`,
        [partnerTenantId, customerTenantId],
      )
      .map((row) => ({
        relationshipId: row.relationship_id,
        relationshipName: row.display_name,
        assignmentId: row.assignment_id,
        securityGroupId: row.security_group_id,
        roles: JSON.parse(row.roles) as DirectoryRole[],
        endDateTime: row.end_date_time,
      }));
  }

  private withAssignments(rows: RelationshipRow[]): GdapRelationshipView[] {
    if (rows.length === 0) return [];
    const assignments = this.db.all<AssignmentRow>(
      `SELECT * FROM gdap_assignments
       WHERE relationship_id IN (SELECT value FROM json_each(?))
       ORDER BY created_at, assignment_id`,
      [JSON.stringify(rows.map((row) => row.relationship_id))],
    );
    const byRelationship = new Map<string, GdapAssignmentView[]>();
    for (const row of assignments) {
      const list = byRelationship.get(row.relationship_id) ?? [];
      list.push({
        assignmentId: row.assignment_id,
        relationshipId: row.relationship_id,
        securityGroupId: row.security_group_id,
        roles: JSON.parse(row.roles) as DirectoryRole[],
        status: row.status,
        createdAt: row.created_at,
      });
      byRelationship.set(row.relationship_id, list);
    }
    return rows.map((row) => ({
      relationshipId: row.relationship_id,
      partnerTenantId: row.partner_tenant_id,
      partnerName: row.partner_name,
      customerTenantId: row.customer_tenant_id,
      displayName: row.display_name,
      duration: row.duration,
      roles: JSON.parse(row.roles) as DirectoryRole[],
      autoExtendDuration: row.auto_extend_duration,
      status: row.status,
      approvalUrl: row.approval_url,
      emailDraft:
        row.email_subject !== null
          ? { subject: row.email_subject, body: row.email_body ?? '' }
          : null,
      approvalExpiresAt: row.approval_expires_at,
      activatedAt: row.activated_at,
      endDateTime: row.end_date_time,
      createdAt: row.created_at,
      changedAt: row.changed_at,
      assignments: byRelationship.get(row.relationship_id) ?? [],
    }));
  }
}
