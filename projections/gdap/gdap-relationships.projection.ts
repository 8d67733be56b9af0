import type {
  Projection,
  RecordedEvent,
  SqlRunner,
} from '../../src/platform/projection-engine/projection';

const setStatus = (db: SqlRunner, relationshipId: string, status: string, at: string) =>
  db.run('UPDATE gdap_relationships SET status = ?, changed_at = ? WHERE relationship_id = ?', [
    status,
    at,
    relationshipId,
  ]);

const setAssignmentStatus = (db: SqlRunner, assignmentId: string, status: string) =>
  db.run('UPDATE gdap_assignments SET status = ? WHERE assignment_id = ?', [status, assignmentId]);

/** R63, R64: the assignments of a relationship that ended end with it. */
const endAssignments = (db: SqlRunner, relationshipId: string) =>
  db.run(`UPDATE gdap_assignments SET status = 'deleted' WHERE relationship_id = ?`, [
    relationshipId,
  ]);

const statusHandler =
  (status: string, endsAssignments = false) =>
  (event: RecordedEvent<string, { relationshipId: string }>, db: SqlRunner) => {
    const { relationshipId } = event.data;
    setStatus(db, relationshipId, status, event.metadata.occurredAt);
    if (endsAssignments) endAssignments(db, relationshipId);
  };

/** GDAP relationships and their access assignments (R60–R66), for both sides' pages. */
export const gdapRelationshipsProjection: Projection = {
  name: 'gdap-relationships',
  version: 1,
  tables: ['gdap_relationships', 'gdap_assignments'],
  schema: [
    `CREATE TABLE IF NOT EXISTS gdap_relationships (
      relationship_id TEXT PRIMARY KEY,
      partner_tenant_id TEXT NOT NULL,
      partner_name TEXT NOT NULL,
      customer_tenant_id TEXT NOT NULL,
      display_name TEXT NOT NULL,
      duration TEXT NOT NULL,
      roles TEXT NOT NULL,
      auto_extend_duration TEXT NOT NULL,
      status TEXT NOT NULL,
      approval_url TEXT,
      email_subject TEXT,
      email_body TEXT,
      approval_expires_at TEXT,
      activated_at TEXT,
      end_date_time TEXT,
      created_at TEXT NOT NULL,
      changed_at TEXT NOT NULL
    )`,
    `CREATE INDEX IF NOT EXISTS gdap_relationships_by_pair
      ON gdap_relationships (partner_tenant_id, customer_tenant_id)`,
    `CREATE TABLE IF NOT EXISTS gdap_assignments (
      assignment_id TEXT PRIMARY KEY,
      relationship_id TEXT NOT NULL,
      security_group_id TEXT NOT NULL,
      roles TEXT NOT NULL,
      status TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`,
    `CREATE INDEX IF NOT EXISTS gdap_assignments_by_relationship
      ON gdap_assignments (relationship_id)`,
  ],
  queryIndexes: [
    `CREATE INDEX IF NOT EXISTS gdap_relationships_by_customer
      ON gdap_relationships (customer_tenant_id, partner_tenant_id)`,
    `CREATE INDEX IF NOT EXISTS gdap_relationships_by_end
      ON gdap_relationships (partner_tenant_id, status, end_date_time)`,
  ],
  handlers: {
    DelegatedAdminRelationshipCreated: (event, db) => {
      const data = event.data;
      const at = event.metadata.occurredAt;
      db.run(
        `INSERT INTO gdap_relationships (relationship_id, partner_tenant_id, partner_name,
           customer_tenant_id, display_name, duration, roles, auto_extend_duration, status,
           created_at, changed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'created', ?, ?) ON CONFLICT (relationship_id) DO NOTHING`,
        [
          data.relationshipId,
          data.partnerTenantId,
          data.partnerName,
          data.customerTenantId,
          data.displayName,
          data.duration,
          JSON.stringify(data.roles),
          data.autoExtendDuration,
          at,
          at,
        ],
      );
    },
    DelegatedAdminRelationshipUpdated: (event, db) => {
      const data = event.data;
      db.run(
        `UPDATE gdap_relationships SET display_name = ?, duration = ?, roles = ?,
           auto_extend_duration = ?, changed_at = ? WHERE relationship_id = ?`,
        [
          data.displayName,
          data.duration,
          JSON.stringify(data.roles),
          data.autoExtendDuration,
          event.metadata.occurredAt,
          data.relationshipId,
        ],
      );
      // R65: an assignment keeps only the relationship's roles.
      const kept = new Set(data.roles.map((role) => role.roleTemplateId));
      for (const row of db.all<{ assignment_id: string; roles: string }>(
        'SELECT assignment_id, roles FROM gdap_assignments WHERE relationship_id = ?',
        [data.relationshipId],
      )) {
        const roles = (JSON.parse(row.roles) as { roleTemplateId: string }[]).filter((role) =>
          kept.has(role.roleTemplateId),
        );
        db.run('UPDATE gdap_assignments SET roles = ? WHERE assignment_id = ?', [
          JSON.stringify(roles),
          row.assignment_id,
        ]);
      }
    },
    DelegatedAdminRelationshipDeleted: (event, db) => {
      const { relationshipId } = event.data;
      db.run('DELETE FROM gdap_relationships WHERE relationship_id = ?', [relationshipId]);
    },
    DelegatedAdminRelationshipApprovalRequested: (event, db) => {
      const data = event.data;
      db.run(
        `UPDATE gdap_relationships SET status = 'approvalPending', approval_url = ?,
           email_subject = ?, email_body = ?, approval_expires_at = ?, changed_at = ?
         WHERE relationship_id = ?`,
        [
          data.approvalUrl,
          data.emailDraft.subject,
          data.emailDraft.body,
          data.expiresAt,
          event.metadata.occurredAt,
          data.relationshipId,
        ],
      );
    },
    DelegatedAdminRelationshipApproved: (event, db) => {
      const data = event.data;
      db.run(
        `UPDATE gdap_relationships SET status = 'active', activated_at = ?, end_date_time = ?,
           changed_at = ? WHERE relationship_id = ?`,
        [data.activatedAt, data.endDateTime, event.metadata.occurredAt, data.relationshipId],
      );
    },
    DelegatedAdminRelationshipApprovalExpired: statusHandler('expired'),
    DelegatedAdminRelationshipExpiring: statusHandler('expiring'),
    DelegatedAdminRelationshipExpired: statusHandler('expired', true),
    DelegatedAdminRelationshipAutoExtended: (event, db) => {
      const data = event.data;
      db.run(
        `UPDATE gdap_relationships SET status = 'active', end_date_time = ?, changed_at = ?
         WHERE relationship_id = ?`,
        [data.endDateTime, event.metadata.occurredAt, data.relationshipId],
      );
    },
    DelegatedAdminRelationshipTerminationRequested: statusHandler('terminationRequested'),
    DelegatedAdminRelationshipTerminated: statusHandler('terminated', true),
    DelegatedAdminAccessAssignmentCreated: (event, db) => {
      const data = event.data;
      db.run(
        `INSERT INTO gdap_assignments (assignment_id, relationship_id, security_group_id, roles,
           status, created_at)
         VALUES (?, ?, ?, ?, 'pending', ?) ON CONFLICT (assignment_id) DO NOTHING`,
        [
          data.assignmentId,
          data.relationshipId,
          data.securityGroupId,
          JSON.stringify(data.roles),
          event.metadata.occurredAt,
        ],
      );
    },
    DelegatedAdminAccessAssignmentActivated: (event, db) =>
      setAssignmentStatus(db, event.data.assignmentId, 'active'),
    DelegatedAdminAccessAssignmentDeletionRequested: (event, db) =>
      setAssignmentStatus(db, event.data.assignmentId, 'deleting'),
    DelegatedAdminAccessAssignmentDeleted: (event, db) =>
      setAssignmentStatus(db, event.data.assignmentId, 'deleted'),
  },
};
