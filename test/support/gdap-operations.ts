import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import type { TestApp } from './app';

/** The GDAP mutations the end-to-end suites drive (R60–R64), each answering the relationship's id. */
export const GDAP_MUTATIONS = {
  CREATE: `mutation ($input: CreateDelegatedAdminRelationshipInput!) { createDelegatedAdminRelationship(input: $input) { id } }`,
  REQUEST: `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`,
  APPROVE: `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`,
  TERMINATE: `mutation ($id: ID!) { terminateDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`,
};

/**
 * R60, R61: the partner (`token`) creates a 90-day relationship with Woodgrove asking for User
 * Administrator, and asks for its approval; its id.
 */
export async function woodgroveRelationshipAskedFor(app: TestApp, token: string): Promise<string> {
  const created = await app.gql(token, GDAP_MUTATIONS.CREATE, {
    input: {
      customerTenantId: 'woodgrove',
      displayName: 'Woodgrove users',
      duration: 'P90D',
      roles: [DIRECTORY_ROLES.USER_ADMINISTRATOR],
    },
  });
  const { id } = created.data.createDelegatedAdminRelationship as { id: string };
  await app.gql(token, GDAP_MUTATIONS.REQUEST, { id });
  return id;
}
