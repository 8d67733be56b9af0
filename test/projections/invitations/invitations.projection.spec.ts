import { invitationsProjection } from '../../../projections/invitations/invitations.projection';
import { at, projectionSpec, type SpecEvent } from '../../support/projection-spec';

const ID = '3f0b6a8e-1d2c-4e5f-8a9b-0c1d2e3f4a5b';
const URL = `https://admin.example/invite?invitationId=${ID}`;

const v1 = {
  invitationId: ID,
  partnerTenantId: 'contoso-partners',
  partnerName: 'Contoso Partners',
  includeDelegatedAdmin: true,
  intendedCustomer: { tenantId: 'fabrikam', domain: 'fabrikam.onmicrosoft.com' },
  invitationUrl: URL,
  emailDraft: { subject: 'Invitation', body: URL },
  createdAt: at(0),
  expiresAt: at(60),
};
const created: SpecEvent = {
  type: 'InvitationCreated',
  data: { ...v1, customerTenantId: 'fabrikam' },
};

const row = {
  invitation_id: ID,
  partner_tenant_id: 'contoso-partners',
  partner_name: 'Contoso Partners',
  include_delegated_admin: 1,
  intended_tenant_id: 'fabrikam',
  intended_domain: 'fabrikam.onmicrosoft.com',
  invitation_url: URL,
  email_subject: 'Invitation',
  email_body: URL,
  outcome: 'PENDING',
  customer_tenant_id: null,
  created_at: at(0),
  expires_at: at(60),
  ended_at: null,
};

describe('invitations projection: the partner’s invitations (R1–R6)', () => {
  const spec = projectionSpec(invitationsProjection);

  it('R1: a requested invitation is pending, addressed to its intended customer (R4)', () => {
    spec.when(created).then({ invitations: [row] });
  });

  it('R3: an edited email replaces the draft', () => {
    spec
      .given(created)
      .when({
        type: 'InvitationEmailEdited',
        data: { invitationId: ID, emailDraft: { subject: 'Our offer', body: `See ${URL}` } },
      })
      .then({ invitations: [{ ...row, email_subject: 'Our offer', email_body: `See ${URL}` }] });
  });

  it('R5: an accepted invitation names the customer that accepted it', () => {
    spec
      .given(created)
      .when({
        type: 'InvitationAccepted',
        data: {
          invitationId: ID,
          partnerTenantId: 'contoso-partners',
          customerTenantId: 'fabrikam',
          partnerName: 'Contoso Partners',
          includeDelegatedAdmin: true,
          customer: { tenantId: 'fabrikam', name: 'Fabrikam' },
        },
        occurredAt: at(5),
      })
      .then({
        invitations: [
          { ...row, outcome: 'ACCEPTED', customer_tenant_id: 'fabrikam', ended_at: at(5) },
        ],
      });
  });

  it('R6: a cancelled invitation ends', () => {
    spec
      .given(created)
      .when({
        type: 'InvitationCancelled',
        data: { invitationId: ID, partnerTenantId: 'contoso-partners' },
        occurredAt: at(3),
      })
      .then({ invitations: [{ ...row, outcome: 'CANCELLED', ended_at: at(3) }] });
  });

  it('an invitation stored at schema version 1 reads its intended customer', () => {
    spec
      .when({ type: 'InvitationCreated', schemaVersion: 1, data: v1 })
      .then({ invitations: [row] });
  });
});
