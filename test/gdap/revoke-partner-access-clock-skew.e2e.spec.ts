import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { describeOnBothStores, removeDataDir, startApp, type TestApp } from '../support/app';
import { people } from '../support/tenants';

const HELPDESK = DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR.roleTemplateId;
const CREATE = `mutation { createDelegatedAdminRelationship(input: { customerTenantId: "fabrikam", displayName: "Tier two", duration: "P90D", roles: [{ roleTemplateId: "${HELPDESK}" }] }) { id } }`;
const REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const ASSIGN = `mutation ($id: ID!) { createDelegatedAdminAccessAssignment(input: { relationshipId: $id, securityGroupId: "HELPDESK_AGENTS", roleTemplateIds: ["${HELPDESK}"] }) { id } }`;
const LIST = `{ delegatedAdminRelationships { nodes { status } } }`;
const REVOKE = `mutation { revokePartnerAccess(partnerTenantId: "contoso-partners", confirm: true) { grants { kind endsOnRevoke } } }`;
const ACCESS = `{ effectiveAccess(partnerTenantId: "contoso-partners", customerTenantId: "fabrikam") { capabilities { role action allowed } } }`;

/**
 * R70 ends what was granted before the request by the log's order. Instances sharing one
 * EventStoreDB have clocks that differ: here the approval is recorded at a clock two seconds ahead
 * of the request's (the clock moved back between them, as the next instance's would be).
 */
describeOnBothStores('revokePartnerAccess after an approval stamped by a clock ahead', (onEsdb) => {
  let double: EsdbDouble | undefined;
  let app: TestApp;

  beforeEach(async () => {
    double = onEsdb ? await EsdbDouble.start({ batchAppend: true }) : undefined;
    app = await startApp({ env: double ? { EVENTSTORE_URL: double.url } : {} });
  });
  afterEach(async () => {
    await app.close();
    await double?.stop();
    removeDataDir(app.dataDir);
  });

  it('R70, R67: a relationship approved before the request is terminated, whatever the clocks said', async () => {
    const [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
    const id = (await app.gql(ann, CREATE)).data.createDelegatedAdminRelationship.id as string;
    await app.gql(ann, REQUEST, { id });
    expect((await app.gql(fay, APPROVE, { id })).errors).toBeUndefined();
    expect((await app.gql(ann, ASSIGN, { id })).errors).toBeUndefined();
    app.clock.advance(-2_000);

    const revoked = await app.gql(fay, REVOKE);

    expect(revoked.errors).toBeUndefined();
    expect(revoked.data.revokePartnerAccess.grants).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ endsOnRevoke: true })]),
    );
    const allowed = (await app.gql(fay, ACCESS)).data.effectiveAccess.capabilities.filter(
      (capability: { role: string; allowed: boolean }) =>
        capability.allowed && capability.role === 'HELPDESK_AGENT',
    );
    expect(allowed).toEqual([]);
    const [row] = (await app.gql(ann, LIST)).data.delegatedAdminRelationships.nodes;
    expect(row.status).toMatch(/^terminat/);
  });
});
