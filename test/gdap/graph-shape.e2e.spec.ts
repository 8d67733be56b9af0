import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { appForSuite } from '../support/app';
import { eventCount } from '../support/security';
import { people } from '../support/tenants';

const { HELPDESK_ADMINISTRATOR, USER_ADMINISTRATOR } = DIRECTORY_ROLES;
const RELATIONSHIP_FIELDS = `id customerTenantId customer { tenantId }
  roles { roleTemplateId displayName } accessDetails { unifiedRoles { roleDefinitionId displayName } }
  accessAssignments { securityGroupId accessContainer { accessContainerId accessContainerType }
    roles { roleTemplateId } accessDetails { unifiedRoles { roleDefinitionId } } }`;
const CREATE = `mutation ($input: CreateDelegatedAdminRelationshipInput!) {
  createDelegatedAdminRelationship(input: $input) { ${RELATIONSHIP_FIELDS} } }`;
const UPDATE = `mutation ($input: UpdateDelegatedAdminRelationshipInput!) {
  updateDelegatedAdminRelationship(input: $input) { ${RELATIONSHIP_FIELDS} } }`;
const ASSIGN = `mutation ($input: CreateDelegatedAdminAccessAssignmentInput!) {
  createDelegatedAdminAccessAssignment(input: $input) { ${RELATIONSHIP_FIELDS} } }`;
const REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;

/** A create body as Microsoft Graph's POST /tenantRelationships/delegatedAdminRelationships takes it. */
const graphBody = (displayName: string) => ({
  displayName,
  duration: 'P730D',
  customer: { tenantId: 'fabrikam', displayName: 'Fabrikam' },
  accessDetails: {
    unifiedRoles: [
      { roleDefinitionId: HELPDESK_ADMINISTRATOR.roleTemplateId },
      { roleDefinitionId: USER_ADMINISTRATOR.roleTemplateId },
    ],
  },
  autoExtendDuration: 'P180D',
});
const flatBody = {
  displayName: 'Fabrikam flat',
  duration: 'P730D',
  customerTenantId: 'fabrikam',
  roles: [USER_ADMINISTRATOR],
};

/** Graph's forms of GDAP inputs and fields, beside this API's flat ones (R60, R65, R66). */
describe('GDAP in Graph’s shapes', () => {
  const app = appForSuite({ env: { GDAP_SCHEDULER_MAX_SLEEP_MS: '86400000' } });
  let ann: string;
  let fay: string;

  beforeAll(async () => {
    ann = await app.token(people.ann);
    fay = await app.token(people.fay);
  });

  async function refusal(query: string, input: Record<string, unknown>) {
    const before = eventCount(app);
    const answer = await app.gql(ann, query, { input });
    expect(eventCount(app)).toBe(before);
    const [error] = answer.errors ?? [];
    return `${error?.extensions?.code} ${error?.extensions?.rule ?? '-'}: ${error?.message}`;
  }

  it('R60: a relationship created from Graph’s body reads the same in both shapes', async () => {
    const answer = await app.gql(ann, CREATE, { input: graphBody('Fabrikam as Graph') });
    expect(answer.errors).toBeUndefined();
    const created = answer.data.createDelegatedAdminRelationship;
    expect(created).toMatchObject({
      customerTenantId: 'fabrikam',
      customer: { tenantId: 'fabrikam' },
      roles: [HELPDESK_ADMINISTRATOR, USER_ADMINISTRATOR],
      accessDetails: {
        unifiedRoles: [
          {
            roleDefinitionId: HELPDESK_ADMINISTRATOR.roleTemplateId,
            displayName: HELPDESK_ADMINISTRATOR.displayName,
          },
          {
            roleDefinitionId: USER_ADMINISTRATOR.roleTemplateId,
            displayName: USER_ADMINISTRATOR.displayName,
          },
        ],
      },
    });
  });

  it('R60–R62: the customer’s name as the partner gives it or renames it, then as the customer names itself on approval, on every page', async () => {
    const invitation = await app.gql(
      ann,
      'mutation { requestResellerRelationship(input: { includeDelegatedAdmin: false }) { id } }',
    );
    const accepted = await app.gql(
      fay,
      'mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { customerTenantId } }',
      { id: invitation.data.requestResellerRelationship.id },
    );
    expect(accepted.errors).toBeUndefined();
    const body = graphBody('Fabrikam named');
    const created = await app.gql(
      ann,
      `mutation ($input: CreateDelegatedAdminRelationshipInput!) {
        createDelegatedAdminRelationship(input: $input) { id customerDisplayName customer { tenantId displayName } } }`,
      { input: { ...body, customer: { tenantId: 'fabrikam', displayName: ' Fabrikam EU ' } } },
    );
    const { id, ...named } = created.data.createDelegatedAdminRelationship;
    expect(named).toEqual({
      customerDisplayName: 'Fabrikam EU',
      customer: { tenantId: 'fabrikam', displayName: 'Fabrikam EU' },
    });
    const namesOn = async () => {
      const fields = 'id customerDisplayName customer { displayName }';
      const pages = await app.gql(
        ann,
        `{ delegatedAdminRelationships(filter: { customerTenantId: "fabrikam" }) { nodes { ${fields} } }
           customers { nodes { tenantId delegatedAdminRelationships { ${fields} } } } }`,
      );
      expect(pages.errors).toBeUndefined();
      const { delegatedAdminRelationships, customers } = pages.data;
      const [row] = customers.nodes.filter(
        (node: { tenantId: string }) => node.tenantId === 'fabrikam',
      );
      const ofThis = (nodes: { id: string }[]) => nodes.find((node) => node.id === id);
      return [ofThis(delegatedAdminRelationships.nodes), ofThis(row.delegatedAdminRelationships)];
    };
    expect(await namesOn()).toEqual([
      { id, customerDisplayName: 'Fabrikam EU', customer: { displayName: 'Fabrikam EU' } },
      { id, customerDisplayName: 'Fabrikam EU', customer: { displayName: 'Fabrikam EU' } },
    ]);
    // Graph's PATCH body: the customer renamed while created, never another customer (R61).
    const moved = { relationshipId: id, customer: { tenantId: 'woodgrove', displayName: 'W' } };
    expect(await refusal(UPDATE, moved)).toMatch(/^INVALID_INPUT R61: /);
    const renamed = await app.gql(ann, UPDATE, {
      input: {
        relationshipId: id,
        customer: { tenantId: 'fabrikam', displayName: 'Fabrikam Europe' },
      },
    });
    expect(renamed.errors).toBeUndefined();
    expect(await namesOn()).toEqual([
      { id, customerDisplayName: 'Fabrikam Europe', customer: { displayName: 'Fabrikam Europe' } },
      { id, customerDisplayName: 'Fabrikam Europe', customer: { displayName: 'Fabrikam Europe' } },
    ]);
    await app.gql(ann, REQUEST, { id });
    expect((await app.gql(fay, APPROVE, { id })).errors).toBeUndefined();
    // Fay's token names her tenant "Fabrikam": Graph sets the customer's own name on approval.
    expect(await namesOn()).toEqual([
      { id, customerDisplayName: 'Fabrikam', customer: { displayName: 'Fabrikam' } },
      { id, customerDisplayName: 'Fabrikam', customer: { displayName: 'Fabrikam' } },
    ]);
    const tooLong = {
      ...graphBody('Too long'),
      customer: { tenantId: 'fabrikam', displayName: 'x'.repeat(257) },
    };
    expect(await refusal(CREATE, tooLong)).toMatch(/^INVALID_INPUT R60: A customer’s display name/);
  });

  it.each([
    [
      'both customers',
      { ...flatBody, customer: { tenantId: 'woodgrove' } },
      /customerTenantId or customer, not both/,
    ],
    [
      'no customer',
      { ...flatBody, customerTenantId: undefined },
      /Give customerTenantId \(or Graph's customer\)/,
    ],
    [
      'both role lists',
      { ...flatBody, accessDetails: graphBody('x').accessDetails },
      /roles or accessDetails, not both/,
    ],
    ['no roles', { ...flatBody, roles: undefined }, /Give roles \(or Graph's accessDetails\)/],
    [
      'both customer names',
      { ...graphBody('Both names'), customerDisplayName: 'Fabrikam' },
      /customerDisplayName or customer\.displayName, not both/,
    ],
  ])('R60: creating with %s is refused, nothing recorded', async (_what, input, message) => {
    const refused = await refusal(CREATE, input);
    expect(refused).toMatch(/^INVALID_INPUT R60: /);
    expect(refused).toMatch(message);
  });

  it('R60, R61: the flat form names the customer as customerDisplayName, and renames it while created', async () => {
    const FIELDS = 'id customerDisplayName customer { displayName }';
    const created = await app.gql(
      ann,
      `mutation ($input: CreateDelegatedAdminRelationshipInput!) {
        createDelegatedAdminRelationship(input: $input) { ${FIELDS} } }`,
      { input: { ...flatBody, displayName: 'Flat named', customerDisplayName: 'Fabrikam flat' } },
    );
    const { id, ...named } = created.data.createDelegatedAdminRelationship;
    expect(named).toEqual({
      customerDisplayName: 'Fabrikam flat',
      customer: { displayName: 'Fabrikam flat' },
    });
    const renamed = await app.gql(
      ann,
      `mutation ($input: UpdateDelegatedAdminRelationshipInput!) {
        updateDelegatedAdminRelationship(input: $input) { ${FIELDS} } }`,
      { input: { relationshipId: id, customerDisplayName: 'Fabrikam renamed' } },
    );
    expect(renamed.data.updateDelegatedAdminRelationship.customerDisplayName).toBe(
      'Fabrikam renamed',
    );
    const both = {
      relationshipId: id,
      customerDisplayName: 'A',
      customer: { tenantId: 'fabrikam', displayName: 'B' },
    };
    expect(await refusal(UPDATE, both)).toMatch(
      /^INVALID_INPUT R61: .*customerDisplayName or customer\.displayName, not both/,
    );
  });

  it('R60: Graph’s forms are checked as the flat ones are', async () => {
    const crafted = { ...graphBody('Crafted'), customer: { tenantId: 'fabrikam_x' } };
    expect(await refusal(CREATE, crafted)).toMatch(/^INVALID_INPUT -: customer\.tenantId /);
    const unknownRole = {
      ...graphBody('Unknown role'),
      accessDetails: { unifiedRoles: [{ roleDefinitionId: 'admin' }] },
    };
    expect(await refusal(CREATE, unknownRole)).toMatch(/^INVALID_INPUT R60: /);
    const noRole = { ...graphBody('No role'), accessDetails: { unifiedRoles: [] } };
    expect(await refusal(CREATE, noRole)).toMatch(/^INVALID_INPUT R60: /);
  });

  it('R61, R65, R66: roles edited and access assigned in Graph’s shapes', async () => {
    const created = await app.gql(ann, CREATE, { input: graphBody('Fabrikam assigned') });
    const { id: relationshipId } = created.data.createDelegatedAdminRelationship;
    const helpdeskOnly = {
      unifiedRoles: [{ roleDefinitionId: HELPDESK_ADMINISTRATOR.roleTemplateId }],
    };
    const bothRoles = { relationshipId, roles: [USER_ADMINISTRATOR], accessDetails: helpdeskOnly };
    expect(await refusal(UPDATE, bothRoles)).toMatch(/^INVALID_INPUT R60: .*not both/);
    const updated = await app.gql(ann, UPDATE, {
      input: { relationshipId, accessDetails: helpdeskOnly },
    });
    expect(updated.data.updateDelegatedAdminRelationship.roles).toEqual([HELPDESK_ADMINISTRATOR]);

    await app.gql(ann, REQUEST, { id: relationshipId });
    expect((await app.gql(fay, APPROVE, { id: relationshipId })).errors).toBeUndefined();
    const group = { accessContainerId: 'tier-two', accessContainerType: 'securityGroup' };
    for (const [input, message] of [
      [
        {
          relationshipId,
          securityGroupId: 'tier-two',
          accessContainer: group,
          accessDetails: helpdeskOnly,
        },
        /securityGroupId or accessContainer, not both/,
      ],
      [{ relationshipId, accessDetails: helpdeskOnly }, /Give securityGroupId/],
      [
        {
          relationshipId,
          accessContainer: group,
          roleTemplateIds: [HELPDESK_ADMINISTRATOR.roleTemplateId],
          accessDetails: helpdeskOnly,
        },
        /roleTemplateIds or accessDetails, not both/,
      ],
      [{ relationshipId, accessContainer: group }, /Give roleTemplateIds/],
    ] as const) {
      const refused = await refusal(ASSIGN, input);
      expect(refused).toMatch(/^INVALID_INPUT R66: /);
      expect(refused).toMatch(message);
    }
    const assigned = await app.gql(ann, ASSIGN, {
      input: { relationshipId, accessContainer: group, accessDetails: helpdeskOnly },
    });
    expect(assigned.errors).toBeUndefined();
    expect(assigned.data.createDelegatedAdminAccessAssignment.accessAssignments).toEqual([
      {
        securityGroupId: 'tier-two',
        accessContainer: group,
        roles: [{ roleTemplateId: HELPDESK_ADMINISTRATOR.roleTemplateId }],
        accessDetails: {
          unifiedRoles: [{ roleDefinitionId: HELPDESK_ADMINISTRATOR.roleTemplateId }],
        },
      },
    ]);
  });
});
