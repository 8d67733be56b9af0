import { randomUUID } from 'node:crypto';
import type { TokenClaims } from '../platform/auth/token-claims';
import { AddAutopilotDevices } from '../autopilot/add-autopilot-devices';
import { autopilotId } from '../autopilot/domain/autopilot-ids';
import { CreateAutopilotProfile } from '../autopilot/create-autopilot-profile';
import { OpenServiceRequest } from '../delegated-admin/open-service-request';
import { AcceptResellerInvitation } from '../invitations/accept-reseller-invitation';
import { RequestResellerRelationship } from '../invitations/request-reseller-relationship';
import { ProvisionAzureSubscription } from '../azure-subscriptions/provision-azure-subscription';
import { RegisterAzureSubscription } from '../azure-subscriptions/register-azure-subscription';
import type { CommandBus } from '@nestjs/cqrs';
import type { Actor } from '../platform/domain/actor';
import type { IntendedCustomer } from '../invitations/domain/events';

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
 * A small story through the real command bus: Fabrikam accepts Contoso with DAP and gets a
 * provisioned subscription, Autopilot devices and a service request; Woodgrove accepts without DAP.
 */
export async function writeDemoStory(commands: CommandBus): Promise<void> {
  const as = (actor: Actor) => ({ actor, correlationId: randomUUID() });
  const request = (
    actor: Actor,
    includeDelegatedAdmin: boolean,
    intendedCustomer: IntendedCustomer,
  ) =>
    new RequestResellerRelationship(as(actor), {
      type: 'RequestResellerRelationship',
      actor,
      invitationId: randomUUID(),
      includeDelegatedAdmin,
      intendedCustomer,
    });
  const accept = (actor: Actor, invitationId: string) =>
    new AcceptResellerInvitation(as(actor), {
      type: 'AcceptResellerInvitation',
      actor,
      invitationId,
    });
  const { ann, sam, hal, fay, wes } = DEMO_PEOPLE;

  const withDap = await commands.execute(request(ann, true, { tenantId: 'fabrikam' }));
  await commands.execute(accept(fay, withDap.invitationId));
  const withoutDap = await commands.execute(
    request(sam, false, { domain: 'woodgrove.onmicrosoft.com' }),
  );
  await commands.execute(accept(wes, withoutDap.invitationId));
  await commands.execute(
    new ProvisionAzureSubscription(as(ann), {
      type: 'ProvisionAzureSubscription',
      actor: ann,
      subscriptionId: randomUUID(),
      ownerAssignmentId: randomUUID(),
      customerTenantId: 'fabrikam',
      displayName: 'Fabrikam production',
    }),
  );
  await commands.execute(
    new RegisterAzureSubscription(as(fay), {
      type: 'RegisterAzureSubscription',
      actor: fay,
      subscriptionId: randomUUID(),
      displayName: 'Fabrikam research',
    }),
  );
  await commands.execute(
    new OpenServiceRequest(as(hal), {
      type: 'OpenServiceRequest',
      actor: hal,
      partnerTenantId: hal.tenantId,
      customerTenantId: 'fabrikam',
      serviceRequestId: randomUUID(),
      title: 'Mailbox full',
      description: 'Please raise the quota.',
    }),
  );
  await commands.execute(
    new CreateAutopilotProfile(as(ann), {
      type: 'CreateAutopilotProfile',
      actor: ann,
      customerTenantId: 'fabrikam',
      profileId: autopilotId('fabrikam', randomUUID()),
      name: 'New hires',
      description: 'Standard laptop setup',
      settings: ['SKIP_EULA', 'SKIP_PRIVACY_SETTINGS'],
    }),
  );
  const devices = [
    { serialNumber: 'DEMO-0001', manufacturer: 'Contoso', model: 'Laptop 7' },
    { productKey: 'DEMO-PK-0002' },
  ];
  await commands.execute(
    new AddAutopilotDevices(as(sam), {
      type: 'AddAutopilotDevices',
      actor: sam,
      customerTenantId: 'fabrikam',
      source: null,
      devices,
      deviceIds: devices.map(() => autopilotId('fabrikam', randomUUID())),
    }),
  );
}
