import { appForSuite } from '../support/app';
import { people } from '../support/tenants';

const STABLE_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_INPUT',
  'PRECONDITION_FAILED',
  'CONFIRMATION_REQUIRED',
];

type Who = keyof typeof people;

/** Refused commands from every area: who asks, what, and the code and rule expected. */
const REFUSALS: { name: string; who: Who; mutation: string; code: string; rule?: string }[] = [
  {
    name: 'a Helpdesk agent requests a relationship',
    who: 'hal',
    mutation: 'requestResellerRelationship(input: {}) { id }',
    code: 'FORBIDDEN',
    rule: 'R1',
  },
  {
    name: 'a malformed customer domain',
    who: 'ann',
    mutation: 'requestResellerRelationship(input: { customerDomain: "not a domain" }) { id }',
    code: 'INVALID_INPUT',
    rule: 'R4',
  },
  {
    name: 'an email draft without the link',
    who: 'ann',
    mutation:
      'editInvitationEmail(input: { invitationId: "$INVITATION", subject: "s", body: "no link" }) { id }',
    code: 'INVALID_INPUT',
    rule: 'R3',
  },
  {
    name: 'a partner accepts',
    who: 'ann',
    mutation: 'acceptResellerInvitation(invitationId: "$INVITATION") { since }',
    code: 'FORBIDDEN',
    rule: 'R5',
  },
  {
    name: 'a customer user without GlobalAdmin accepts',
    who: 'fred',
    mutation: 'acceptResellerInvitation(invitationId: "$INVITATION") { since }',
    code: 'FORBIDDEN',
    rule: 'R5',
  },
  {
    name: 'accepting an accepted invitation',
    who: 'fay',
    mutation: 'acceptResellerInvitation(invitationId: "$ACCEPTED") { since }',
    code: 'CONFLICT',
    rule: 'R6',
  },
  {
    name: 'another partner cancels',
    who: 'otto',
    mutation: 'cancelInvitation(invitationId: "$INVITATION") { id }',
    code: 'NOT_FOUND',
  },
  {
    name: 'removing DAP without confirmation',
    who: 'fay',
    mutation:
      'removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners", confirm: false) { since }',
    code: 'CONFIRMATION_REQUIRED',
    rule: 'R12',
  },
  {
    name: 'R12, removing DAP with confirm left out (it defaults to false)',
    who: 'fay',
    mutation: 'removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners") { since }',
    code: 'CONFIRMATION_REQUIRED',
    rule: 'R12',
  },
  {
    name: 'R70, revoking all partner access with confirm left out (it defaults to false)',
    who: 'fay',
    mutation: 'revokePartnerAccess(partnerTenantId: "contoso-partners") { partnerTenantId }',
    code: 'CONFIRMATION_REQUIRED',
    rule: 'R70',
  },
  {
    name: 'a Sales agent opens a service request',
    who: 'sam',
    mutation:
      'openServiceRequest(input: { customerTenantId: "fabrikam", title: "t", description: "d" }) { id }',
    code: 'FORBIDDEN',
    rule: 'R14',
  },
  {
    name: 'an empty service request title',
    who: 'ann',
    mutation:
      'openServiceRequest(input: { customerTenantId: "fabrikam", title: " ", description: "d" }) { id }',
    code: 'INVALID_INPUT',
  },
  {
    name: 'provisioning without a relationship',
    who: 'otto',
    mutation:
      'provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: "x" }) { id }',
    code: 'PRECONDITION_FAILED',
    rule: 'R22',
  },
  {
    name: 'ending with an active provisioned subscription',
    who: 'ann',
    mutation: 'endResellerRelationship(customerTenantId: "fabrikam") { tenantId }',
    code: 'PRECONDITION_FAILED',
    rule: 'R9',
  },
  {
    name: 'a Sales agent ends a relationship',
    who: 'sam',
    mutation: 'endResellerRelationship(customerTenantId: "fabrikam") { tenantId }',
    code: 'FORBIDDEN',
    rule: 'R9',
  },
  {
    name: 'a customer user assigns a subscription role',
    who: 'fred',
    mutation:
      'assignSubscriptionRole(input: { subscriptionId: "$SUBSCRIPTION", principal: { kind: CUSTOMER_USER, userId: "fred" }, role: OWNER }) { id }',
    code: 'FORBIDDEN',
    rule: 'R24',
  },
  {
    name: 'a device without an accepted identifier set',
    who: 'ann',
    mutation:
      'addAutopilotDevices(input: { customerTenantId: "fabrikam", devices: [{ manufacturer: "Contoso" }] }) { id }',
    code: 'INVALID_INPUT',
    rule: 'R33',
  },
  {
    name: 'a Sales agent creates an Autopilot profile',
    who: 'sam',
    mutation: 'createAutopilotProfile(input: { customerTenantId: "fabrikam", name: "p" }) { id }',
    code: 'FORBIDDEN',
    rule: 'R30',
  },
  {
    name: 'a value of the wrong type written in the operation (as a variable: INVALID_INPUT too)',
    who: 'ann',
    mutation: 'cancelInvitation(invitationId: true) { id }',
    code: 'INVALID_INPUT',
  },
  {
    name: 'an enum value the type does not have',
    who: 'fay',
    mutation:
      'addAutopilotDevices(input: { customerTenantId: "fabrikam", source: BOGUS, devices: [{ productKey: "PK-9" }] }) { id }',
    code: 'INVALID_INPUT',
  },
  {
    name: 'a required input field left out',
    who: 'ann',
    mutation: 'editInvitationEmail(input: { invitationId: "$INVITATION", subject: "s" }) { id }',
    code: 'INVALID_INPUT',
  },
  {
    name: 'a field the schema does not have (the document does not fit: validation failed)',
    who: 'ann',
    mutation: 'cancelInvitation(invitationId: "$INVITATION") { noSuchField }',
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
];

describe('R50: a refused command changes nothing, appends no event, and says why with a stable code', () => {
  const app = appForSuite();
  const ids: Record<string, string> = {};

  const headPosition = async () => {
    const status = await app.gql(
      await app.token(people.opal),
      '{ projectionStatus { checkpoint } }',
    );
    return Math.max(
      ...status.data.projectionStatus.map((p: { checkpoint: number }) => p.checkpoint),
    );
  };

  beforeAll(async () => {
    const ann = await app.token(people.ann);
    const fay = await app.token(people.fay);
    const invite = async () =>
      (await app.gql(ann, 'mutation { requestResellerRelationship(input: {}) { id } }')).data
        .requestResellerRelationship.id;
    ids.ACCEPTED = await invite();
    await app.gql(
      fay,
      `mutation { acceptResellerInvitation(invitationId: "${ids.ACCEPTED}") { since } }`,
    );
    ids.INVITATION = await invite();
    ids.SUBSCRIPTION = (
      await app.gql(
        ann,
        'mutation { provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: "Prod" }) { id } }',
      )
    ).data.provisionAzureSubscription.id;
  });

  it.each(REFUSALS)('R50: $name → $code', async ({ who, mutation, code, rule }) => {
    const before = await headPosition();
    const text = Object.entries(ids).reduce(
      (query, [name, id]) => query.replaceAll(`$${name}`, id),
      mutation,
    );
    const answer = await app.gql(await app.token(people[who]), `mutation { ${text} }`);
    expect(answer.errors).toHaveLength(1);
    const [error] = answer.errors!;
    expect(error.extensions).toMatchObject(rule ? { code, rule } : { code });
    if (!rule) expect(error.extensions?.rule).toBeUndefined();
    expect([...STABLE_CODES, 'GRAPHQL_VALIDATION_FAILED']).toContain(error.extensions?.code);
    expect(error.message.length).toBeGreaterThan(10);
    if (rule) expect(error.message).not.toMatch(/Internal server error/);
    expect(await headPosition()).toBe(before);
  });
});
