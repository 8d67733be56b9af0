import { invitationStatus } from './domain/invitation.decider';
import { mailtoUrl } from './domain/invitation-link';
import type { InvitationRow } from '../../projections/invitations/invitations.queries';
import { type Invitation, InvitationStatus } from './invitation.types';

export function toInvitation(row: InvitationRow, now: Date): Invitation {
  const emailDraft = { subject: row.email_subject, body: row.email_body };
  return {
    id: row.invitation_id,
    status:
      InvitationStatus[
        invitationStatus({ outcome: row.outcome, expiresAt: new Date(row.expires_at) }, now)
      ],
    includeDelegatedAdmin: row.include_delegated_admin === 1,
    invitationUrl: row.invitation_url,
    emailDraft,
    mailtoUrl: mailtoUrl(emailDraft),
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    partnerTenantId: row.partner_tenant_id,
    partnerName: row.partner_name,
    customerTenantId: row.customer_tenant_id ?? row.intended_tenant_id,
    customerDomain: row.intended_domain,
  };
}
