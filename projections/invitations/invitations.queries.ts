import type { SqlRunner } from '../../src/platform/projection-engine/projection';

export interface InvitationRow {
  invitation_id: string;
  partner_tenant_id: string;
  partner_name: string;
  include_delegated_admin: number;
  intended_tenant_id: string | null;
  intended_domain: string | null;
  invitation_url: string;
  email_subject: string;
  email_body: string;
  outcome: 'PENDING' | 'ACCEPTED' | 'CANCELLED';
  customer_tenant_id: string | null;
  created_at: string;
  expires_at: string;
}

export type StoredInvitationStatus = 'PENDING' | 'ACCEPTED' | 'CANCELLED' | 'EXPIRED';

/** R6: a pending invitation past its expiry reads as EXPIRED. */
const STATUS_FILTER: Record<StoredInvitationStatus, string> = {
  PENDING: `outcome = 'PENDING' AND expires_at > @now`,
  EXPIRED: `outcome = 'PENDING' AND expires_at <= @now`,
  ACCEPTED: `outcome = 'ACCEPTED'`,
  CANCELLED: `outcome = 'CANCELLED'`,
};

/**
 * R4: invitations a customer accepted, or addressed to it by every part they name (tenant id,
 * domain; `@tenant`, `@domain`), as `isAddressedTo` decides; each term reads one index.
 */
const MEANT_FOR_CUSTOMER = `(customer_tenant_id = @tenant
  OR (intended_tenant_id = @tenant AND (intended_domain IS NULL OR intended_domain = @domain))
  OR (intended_domain = @domain AND intended_tenant_id IS NULL))`;

export class InvitationsQueries {
  constructor(private readonly db: SqlRunner) {}

  byId(invitationId: string): InvitationRow | undefined {
    return this.db.get<InvitationRow>('SELECT * FROM invitations WHERE invitation_id = ?', [
      invitationId,
    ]);
  }

  ofPartner(
    partnerTenantId: string,
    status: StoredInvitationStatus | undefined,
    now: Date,
    limit: number,
  ): InvitationRow[] {
    const filter = status ? `AND ${STATUS_FILTER[status]}` : '';
    return this.db.all<InvitationRow>(
      `SELECT * FROM invitations WHERE partner_tenant_id = @partner ${filter}
       ORDER BY created_at DESC, invitation_id LIMIT @limit`,
      { partner: partnerTenantId, now: now.toISOString(), limit },
    );
  }

  /** Invitations meant for a customer (by tenant id or domain) or accepted by it. */
  forCustomer(
    customer: { tenantId: string; domain?: string },
    status: StoredInvitationStatus | undefined,
    now: Date,
    limit: number,
  ): InvitationRow[] {
    const filter = status ? `AND ${STATUS_FILTER[status]}` : '';
    return this.db.all<InvitationRow>(
      `SELECT * FROM invitations
       WHERE ${MEANT_FOR_CUSTOMER} ${filter}
       ORDER BY created_at DESC, invitation_id LIMIT @limit`,
      {
        tenant: customer.tenantId,
        domain: customer.domain?.toLowerCase() ?? null,
        now: now.toISOString(),
        limit,
      },
    );
  }

  /**
   * A page of the caller's invitations, newest first (keyset on created_at, then id), and how many
   * there are: the partner's own, or those meant for or accepted by a customer.
   */
  page(
    audience: InvitationAudienceKey,
    status: StoredInvitationStatus | undefined,
    now: Date,
    first: number,
    after: InvitationPageKey | null,
  ): { rows: InvitationRow[]; totalCount: () => number } {
    const conditions = [
      audience.kind === 'partner' ? 'partner_tenant_id = @partner' : MEANT_FOR_CUSTOMER,
    ];
    if (status) conditions.push(STATUS_FILTER[status]);
    const params = {
      partner: audience.kind === 'partner' ? audience.partnerTenantId : null,
      tenant: audience.kind === 'customer' ? audience.tenantId : null,
      domain: audience.kind === 'customer' ? (audience.domain?.toLowerCase() ?? null) : null,
      now: now.toISOString(),
    };
    const keyset = after
      ? ' AND (created_at < @afterCreated OR (created_at = @afterCreated AND invitation_id > @afterId))'
      : '';
    const rows = this.db.all<InvitationRow>(
      `SELECT * FROM invitations WHERE ${conditions.join(' AND ')}${keyset}
       ORDER BY created_at DESC, invitation_id LIMIT @limit`,
      {
        ...params,
        afterCreated: after?.createdAt ?? null,
        afterId: after?.id ?? null,
        limit: first,
      },
    );
    return {
      rows,
      totalCount: () =>
        this.db.get<{ total: number }>(
          `SELECT COUNT(*) AS total FROM invitations WHERE ${conditions.join(' AND ')}`,
          params,
        )?.total ?? 0,
    };
  }
}

export interface InvitationPageKey {
  createdAt: string;
  id: string;
}

export type InvitationAudienceKey =
  | { kind: 'partner'; partnerTenantId: string }
  | { kind: 'customer'; tenantId: string; domain?: string };
