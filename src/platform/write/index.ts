import { autopilotCommandHandlers } from '../../autopilot';
import { OpenServiceRequestHandler } from '../../delegated-admin/open-service-request';
import { RemoveDelegatedAdminPrivilegesHandler } from '../../delegated-admin/remove-delegated-admin-privileges';
import { AcceptResellerInvitationHandler } from '../../invitations/accept-reseller-invitation';
import { CancelInvitationHandler } from '../../invitations/cancel-invitation';
import { EditInvitationEmailHandler } from '../../invitations/edit-invitation-email';
import { RequestResellerRelationshipHandler } from '../../invitations/request-reseller-relationship';
import { EndResellerRelationshipHandler } from '../../invitations/end-reseller-relationship';
import { ChangeSubscriptionAccessHandler } from '../../azure-subscriptions/change-subscription-access';
import { ProvisionAzureSubscriptionHandler } from '../../azure-subscriptions/provision-azure-subscription';
import { RegisterAzureSubscriptionHandler } from '../../azure-subscriptions/register-azure-subscription';

export const commandHandlers = [
  RequestResellerRelationshipHandler,
  EditInvitationEmailHandler,
  CancelInvitationHandler,
  AcceptResellerInvitationHandler,
  RemoveDelegatedAdminPrivilegesHandler,
  OpenServiceRequestHandler,
  EndResellerRelationshipHandler,
  ProvisionAzureSubscriptionHandler,
  RegisterAzureSubscriptionHandler,
  ChangeSubscriptionAccessHandler,
  ...autopilotCommandHandlers,
];
