import { randomUUID } from 'node:crypto';
import type { TokenClaims } from '../platform/auth/token-claims';
import { AggregateStore } from '../platform/write/aggregate-store';
import {
  AddAutopilotDevices,
  AddAutopilotDevicesHandler,
} from '../autopilot/add-autopilot-devices';
import {
  CreateAutopilotProfile,
  CreateAutopilotProfileHandler,
} from '../autopilot/create-autopilot-profile';
import {
  OpenServiceRequest,
  OpenServiceRequestHandler,
} from '../delegated-admin/open-service-request';
import { FollowUps } from '../invitations/follow-ups';
import {
  AcceptResellerInvitation,
  AcceptResellerInvitationHandler,
} from '../invitations/accept-reseller-invitation';
import {
  RequestResellerRelationship,
  RequestResellerRelationshipHandler,
} from '../invitations/request-reseller-relationship';
import {
  ProvisionAzureSubscription,
  ProvisionAzureSubscriptionHandler,
} from '../azure-subscriptions/provision-azure-subscription';
import {
  RegisterAzureSubscription,
  RegisterAzureSubscriptionHandler,
} from '../azure-subscriptions/register-azure-subscription';
import { systemClock } from '../platform/config/clock';
import type { Settings } from '../platform/config/settings';
import type { Actor } from '../platform/domain/actor';
import type { EventStore } from '../platform/event-store/event-store';

const partner = (userId: string, name: string, role: string): Actor => ({
  userId,
  name,
  tenantId: 'contoso-partners',
  tenantKind: 'partner',
  tenantName: 'Contoso Partners',
  roles: [role],
});

const customer = (tenantId: string, tenantName: string, userId: string, name: string): Actor => ({
  userId,
  name,
  tenantId,
  tenantKind: 'customer',
  tenantName,
  tenantDomain: `${tenantId}.onmicrosoft.com`,
  roles: ['GlobalAdmin'],
});

/** The people of the demo, as tokens describe them. */
export const DEMO_PEOPLE = {
  ann: partner('ann', 'Ann', 'AdminAgent'),
  sam: partner('sam', 'Sam', 'SalesAgent'),
  hal: partner('hal', 'Hal', 'HelpdeskAgent'),
  fay: customer('fabrikam', 'Fabrikam', 'fay', 'Fay'),
  wes: customer('woodgrove', 'Woodgrove', 'wes', 'Wes'),
  opal: {
    userId: 'opal',
    name: 'Opal',
    tenantId: 'operator',
    tenantKind: 'operator',
    tenantName: 'Operator',
    roles: ['Operator'],
  } satisfies Actor,
};

export const claimsOf = (actor: Actor): TokenClaims => ({
  sub: actor.userId,
  name: actor.name,
  tid: actor.tenantId,
  tenant_kind: actor.tenantKind,
  ...(actor.tenantName ? { tenant_name: actor.tenantName } : {}),
  ...(actor.tenantDomain ? { tenant_domain: actor.tenantDomain } : {}),
  roles: actor.roles,
});

/**
 * A small story through the real command handlers: Fabrikam accepts Contoso with DAP and gets a
 * provisioned subscription, Autopilot devices and a service request; Woodgrove accepts without DAP.
 */
export async function writeDemoStory(store: EventStore, settings: Settings): Promise<void> {
  const aggregates = new AggregateStore(store, systemClock);
  const as = (actor: Actor) => ({ actor, correlationId: randomUUID() });
  const { ann, sam, hal, fay, wes } = DEMO_PEOPLE;
  const request = new RequestResellerRelationshipHandler(aggregates, settings);
  const accept = new AcceptResellerInvitationHandler(aggregates, new FollowUps(aggregates));

  const withDap = await request.execute(
    new RequestResellerRelationship(as(ann), true, { tenantId: 'fabrikam' }),
  );
  await accept.execute(new AcceptResellerInvitation(as(fay), withDap.invitationId));
  const withoutDap = await request.execute(
    new RequestResellerRelationship(as(sam), false, { domain: 'woodgrove.onmicrosoft.com' }),
  );
  await accept.execute(new AcceptResellerInvitation(as(wes), withoutDap.invitationId));

  await new ProvisionAzureSubscriptionHandler(aggregates).execute(
    new ProvisionAzureSubscription(as(ann), 'fabrikam', 'Fabrikam production'),
  );
  await new RegisterAzureSubscriptionHandler(aggregates).execute(
    new RegisterAzureSubscription(as(fay), 'Fabrikam research'),
  );
  await new OpenServiceRequestHandler(aggregates).execute(
    new OpenServiceRequest(as(hal), 'fabrikam', 'Mailbox full', 'Please raise the quota.'),
  );
  await new CreateAutopilotProfileHandler(aggregates, settings).execute(
    new CreateAutopilotProfile(as(ann), 'fabrikam', 'New hires', 'Standard laptop setup', [
      'SKIP_EULA',
      'SKIP_PRIVACY_SETTINGS',
    ]),
  );
  await new AddAutopilotDevicesHandler(aggregates, settings).execute(
    new AddAutopilotDevices(as(sam), 'fabrikam', null, [
      { serialNumber: 'DEMO-0001', manufacturer: 'Contoso', model: 'Laptop 7' },
      { productKey: 'DEMO-PK-0002' },
    ]),
  );
}
