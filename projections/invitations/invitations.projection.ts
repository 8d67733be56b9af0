import type { Projection } from '../../src/platform/projection-engine/projection';

/** The partner's invitations list, and what a customer sees of an invitation it opens. */
export const invitationsProjection: Projection = {
  name: 'invitations',
  version: 1,
  tables: ['invitations'],
  schema: [
    `CREATE TABLE IF NOT EXISTS invitations (
      invitation_id TEXT PRIMARY KEY,
      partner_tenant_id TEXT NOT NULL,
      partner_name TEXT NOT NULL,
      include_delegated_admin INTEGER NOT NULL,
      intended_tenant_id TEXT,
      intended_domain TEXT,
      invitation_url TEXT NOT NULL,
      email_subject TEXT NOT NULL,
      email_body TEXT NOT NULL,
      outcome TEXT NOT NULL,
      customer_tenant_id TEXT,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      ended_at TEXT
    )`,
  ],
  queryIndexes: [
    'CREATE INDEX IF NOT EXISTS invitations_by_partner ON invitations (partner_tenant_id, created_at)',
    // A customer's invitations are those accepted by it or meant for its tenant id or domain: one
    // index each, so SQLite reads the three ranges (a multi-index OR) instead of every invitation.
    'CREATE INDEX IF NOT EXISTS invitations_by_customer ON invitations (customer_tenant_id, created_at)',
    'CREATE INDEX IF NOT EXISTS invitations_by_intended_tenant ON invitations (intended_tenant_id, created_at)',
    'CREATE INDEX IF NOT EXISTS invitations_by_intended_domain ON invitations (intended_domain, created_at)',
  ],
  handlers: {
    InvitationCreated: ({ data }, db) => {
      db.run(
        `INSERT INTO invitations (invitation_id, partner_tenant_id, partner_name, include_delegated_admin,
           intended_tenant_id, intended_domain, invitation_url, email_subject, email_body, outcome,
           created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?)
         ON CONFLICT (invitation_id) DO NOTHING`,
        [
          data.invitationId,
          data.partnerTenantId,
          data.partnerName,
          data.includeDelegatedAdmin ? 1 : 0,
          data.customerTenantId,
          data.intendedCustomer?.domain ?? null,
          data.invitationUrl,
          data.emailDraft.subject,
          data.emailDraft.body,
          data.createdAt,
          data.expiresAt,
        ],
      );
    },
    InvitationEmailEdited: ({ data }, db) => {
      db.run('UPDATE invitations SET email_subject = ?, email_body = ? WHERE invitation_id = ?', [
        data.emailDraft.subject,
        data.emailDraft.body,
        data.invitationId,
      ]);
    },
    InvitationCancelled: ({ data, metadata }, db) => {
      db.run(`UPDATE invitations SET outcome = 'CANCELLED', ended_at = ? WHERE invitation_id = ?`, [
        metadata.occurredAt,
        data.invitationId,
      ]);
    },
    InvitationAccepted: ({ data, metadata }, db) => {
      db.run(
        `UPDATE invitations SET outcome = 'ACCEPTED', customer_tenant_id = ?, ended_at = ? WHERE invitation_id = ?`,
        [data.customerTenantId, metadata.occurredAt, data.invitationId],
      );
    },
  },
};
