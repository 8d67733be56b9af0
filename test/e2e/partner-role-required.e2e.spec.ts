import { appForSuite } from '../support/app';
import { people } from '../support/tenants';

const INVITE = `mutation { requestResellerRelationship(input: { customerTenantId: "fabrikam" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { since } }`;

/** Every partner read, with variables; each must answer Ann (Admin Agent) and refuse Nora. */
const READS: [string, string, (invitationId: string) => Record<string, unknown>][] = [
  ['invitations', '{ invitations { id } }', () => ({})],
  ['invitation(id)', 'query ($id: ID!) { invitation(id: $id) { id } }', (id) => ({ id })],
  ['customer(tenantId)', '{ customer(tenantId: "fabrikam") { tenantId } }', () => ({})],
  ['autopilotProfiles', '{ autopilotProfiles(customerTenantId: "fabrikam") { id } }', () => ({})],
  ['autopilotDevices', '{ autopilotDevices(customerTenantId: "fabrikam") { id } }', () => ({})],
  [
    'effectiveAccess',
    '{ effectiveAccess(partnerTenantId: "contoso-partners", customerTenantId: "fabrikam") { capabilities { allowed } } }',
    () => ({}),
  ],
  ['azureSubscriptions', '{ azureSubscriptions(customerTenantId: "fabrikam") { id } }', () => ({})],
  ['invitationsConnection', '{ invitationsConnection { totalCount } }', () => ({})],
  [
    'autopilotProfilesConnection',
    '{ autopilotProfilesConnection(customerTenantId: "fabrikam") { totalCount } }',
    () => ({}),
  ],
  [
    'autopilotDevicesConnection',
    '{ autopilotDevicesConnection(customerTenantId: "fabrikam") { totalCount } }',
    () => ({}),
  ],
  [
    'azureSubscriptionsConnection',
    '{ azureSubscriptionsConnection(customerTenantId: "fabrikam") { totalCount } }',
    () => ({}),
  ],
  ['customersCsv', '{ customersCsv { csv } }', () => ({})],
];

describe('partner reads need a partner role (R16)', () => {
  const app = appForSuite();
  let ann: string;
  let nora: string;
  let invitationId: string;

  beforeAll(async () => {
    ann = await app.token(people.ann);
    nora = await app.token({ ...people.ann, sub: 'nora', name: 'Nora', roles: [] });
    invitationId = (await app.gql(ann, INVITE)).data.requestResellerRelationship.id;
    const accepted = await app.gql(await app.token(people.fay), ACCEPT, { id: invitationId });
    expect(accepted.errors).toBeUndefined();
  });

  it.each(READS)(
    'R16: %s answers a partner role and refuses a partner user holding none (FORBIDDEN, R16)',
    async (_name, query, variables) => {
      const allowed = await app.gql(ann, query, variables(invitationId));
      expect(allowed.errors).toBeUndefined();
      expect(Object.values(allowed.data)[0]).not.toBeNull();
      const refused = await app.gql(nora, query, variables(invitationId));
      expect(refused.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', rule: 'R16' });
    },
  );
});
