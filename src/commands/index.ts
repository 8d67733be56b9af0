import { autopilotCommandHandlers } from './autopilot';
import { OpenServiceRequestHandler } from './delegated-admin/open-service-request';
import { RemoveDelegatedAdminPrivilegesHandler } from './delegated-admin/remove-delegated-admin-privileges';
import { AcceptResellerInvitationHandler } from './invitations/accept-reseller-invitation';
import { CancelInvitationHandler } from './invitations/cancel-invitation';
import { EditInvitationEmailHandler } from './invitations/edit-invitation-email';
import { RequestResellerRelationshipHandler } from './invitations/request-reseller-relationship';
import { EndResellerRelationshipHandler } from './relationships/end-reseller-relationship';
import { ChangeSubscriptionAccessHandler } from './subscriptions/change-subscription-access';
import { ProvisionAzureSubscriptionHandler } from './subscriptions/provision-azure-subscription';
import { RegisterAzureSubscriptionHandler } from './subscriptions/register-azure-subscription';

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
