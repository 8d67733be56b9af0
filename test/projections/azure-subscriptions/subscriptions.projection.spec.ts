import { subscriptionsProjection } from '../../../projections/azure-subscriptions/subscriptions.projection';
import { at, projectionSpec, type SpecEvent } from '../../support/projection-spec';

const SUB = '9a8b7c6d-0000-4000-8000-000000000001';
const ASSIGNMENT = '9a8b7c6d-0000-4000-8000-0000000000a1';
const scope = { subscriptionId: SUB, customerTenantId: 'fabrikam' };

const provisioned: SpecEvent = {
  type: 'AzureSubscriptionProvisioned',
  data: { ...scope, displayName: 'Prod', partnerTenantId: 'contoso-partners', partnerName: 'C' },
  occurredAt: at(1),
};
const assignment = {
  ...scope,
  partnerTenantId: 'contoso-partners',
  assignmentId: ASSIGNMENT,
  role: 'OWNER' as const,
  roleDefinitionId: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  principal: {
    kind: 'PARTNER_GROUP' as const,
    partnerTenantId: 'contoso-partners',
    group: 'ADMIN_AGENTS' as const,
  },
};
const subscription = {
  subscription_id: SUB,
  display_name: 'Prod',
  customer_tenant_id: 'fabrikam',
  provisioned_by_partner_tenant_id: 'contoso-partners',
  created_at: at(1),
  cancelled_at: null,
};
const ownerRow = {
  assignment_id: ASSIGNMENT,
  subscription_id: SUB,
  customer_tenant_id: 'fabrikam',
  role: 'OWNER',
  role_definition_id: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  principal_kind: 'PARTNER_GROUP',
  partner_tenant_id: 'contoso-partners',
  partner_group: 'ADMIN_AGENTS',
  user_id: null,
  customer_group_id: null,
  assigned_at: at(2),
  removed_at: null,
};

describe('subscriptions projection (R20–R25)', () => {
  const spec = projectionSpec(subscriptionsProjection);

  it('R22: a provisioned subscription gives the partner’s Admin Agents Owner', () => {
    spec
      .when(provisioned, { type: 'SubscriptionRoleAssigned', data: assignment, occurredAt: at(2) })
      .then({ azure_subscriptions: [subscription], subscription_role_assignments: [ownerRow] });
  });

  it('R20: a customer group’s assignment keeps its group id, naming no partner and no user', () => {
    const groupAssignment = {
      ...scope,
      assignmentId: ASSIGNMENT,
      role: 'READER' as const,
      roleDefinitionId: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
      principal: { kind: 'CUSTOMER_GROUP' as const, groupId: 'finance-team' },
    };
    spec
      .given(provisioned)
      .when({ type: 'SubscriptionRoleAssigned', data: groupAssignment, occurredAt: at(2) })
      .then({
        subscription_role_assignments: [
          {
            ...ownerRow,
            role: 'READER',
            role_definition_id: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
            principal_kind: 'CUSTOMER_GROUP',
            partner_tenant_id: null,
            partner_group: null,
            customer_group_id: 'finance-team',
          },
        ],
      });
  });

  it('R20, R43: a registered subscription is the customer’s own; a removed assignment keeps its row with when it ended', () => {
    spec
      .given(provisioned, { type: 'SubscriptionRoleAssigned', data: assignment, occurredAt: at(2) })
      .when(
        { type: 'SubscriptionRoleAssignmentRemoved', data: assignment, occurredAt: at(3) },
        {
          type: 'AzureSubscriptionRegistered',
          data: { subscriptionId: 'own', displayName: 'Own', customerTenantId: 'fabrikam' },
          occurredAt: at(4),
        },
        { type: 'AzureSubscriptionCancelled', data: scope, occurredAt: at(5) },
      )
      .then({
        azure_subscriptions: [
          { ...subscription, cancelled_at: at(5) },
          {
            ...subscription,
            subscription_id: 'own',
            display_name: 'Own',
            provisioned_by_partner_tenant_id: null,
            created_at: at(4),
          },
        ],
        subscription_role_assignments: [{ ...ownerRow, removed_at: at(3) }],
      });
  });
});
