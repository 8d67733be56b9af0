import { people } from './tenants';
import type { TestApp } from './app';

const PROFILE =
  'id customerTenantId name description settings devicesAssignedCount allowedOperations';
const DEVICE =
  'id customerTenantId serialNumber productKey hardwareHash manufacturer model addedBy { source partnerTenantId } profileId allowedOperations';

/** The Autopilot operations of the public API, as GraphQL documents. */
export const AUTOPILOT = {
  create: `mutation ($input: CreateAutopilotProfileInput!) { createAutopilotProfile(input: $input) { ${PROFILE} } }`,
  update: `mutation ($input: UpdateAutopilotProfileInput!) { updateAutopilotProfile(input: $input) { ${PROFILE} } }`,
  delete: 'mutation ($id: ID!) { deleteAutopilotProfile(profileId: $id) }',
  add: `mutation ($input: AddAutopilotDevicesInput!) { addAutopilotDevices(input: $input) { ${DEVICE} } }`,
  assign: `mutation ($input: AssignAutopilotProfileInput!) { assignAutopilotProfile(input: $input) { ${DEVICE} } }`,
  unassign: `mutation ($id: ID!) { unassignAutopilotProfile(deviceId: $id) { ${DEVICE} } }`,
  remove: 'mutation ($id: ID!) { removeAutopilotDevice(deviceId: $id) }',
  profiles: `query ($customer: ID!) { autopilotProfiles(customerTenantId: $customer) { ${PROFILE} } }`,
  devices: `query ($customer: ID!) { autopilotDevices(customerTenantId: $customer) { ${DEVICE} } }`,
};

const REQUEST = `mutation ($input: RequestResellerRelationshipInput!) { requestResellerRelationship(input: $input) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;

/** A partner invites Fabrikam (with or without DAP) and Fay, its Global admin, accepts. */
export async function relate(app: TestApp, partnerToken: string, includeDelegatedAdmin: boolean) {
  const requested = await app.gql(partnerToken, REQUEST, {
    input: { includeDelegatedAdmin, customerTenantId: 'fabrikam' },
  });
  const accepted = await app.gql(await app.token(people.fay), ACCEPT, {
    id: requested.data.requestResellerRelationship.id,
  });
  expect(accepted.errors).toBeUndefined();
}

/** The newest event position every read model has applied: unchanged means nothing was appended. */
export async function headPosition(app: TestApp): Promise<number> {
  const status = await app.gql(await app.token(people.opal), '{ projectionStatus { checkpoint } }');
  return Math.max(...status.data.projectionStatus.map((p: { checkpoint: number }) => p.checkpoint));
}
