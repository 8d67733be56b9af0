import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { POLICY_LEASE, type PolicyLease } from '../../src/platform/policies/policy-lease';
import { closeInstances, startApp, type TestApp } from '../support/app';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { eventually } from '../support/eventually';
import { people } from '../support/tenants';

const HELPDESK = DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR.roleTemplateId;
const CREATE = `mutation ($c: ID!, $n: String!) { createDelegatedAdminRelationship(input: { customerTenantId: $c, displayName: $n, duration: "P90D", roles: [{ roleTemplateId: "${HELPDESK}" }] }) { id } }`;
const RENAME = `mutation ($id: ID!, $n: String!) { updateDelegatedAdminRelationship(input: { relationshipId: $id, displayName: $n }) { id } }`;
const REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const ASSIGN = `mutation ($id: ID!) { createDelegatedAdminAccessAssignment(input: { relationshipId: $id, securityGroupId: "HELPDESK_AGENTS", roleTemplateIds: ["${HELPDESK}"] }) { id } }`;
const LIST = `{ delegatedAdminRelationships { nodes { id status } } }`;
const REVOKE = `mutation { revokePartnerAccess(partnerTenantId: "contoso-partners", confirm: true) { grants { kind endsOnRevoke } } }`;
const ACCESS = `{ effectiveAccess(partnerTenantId: "contoso-partners", customerTenantId: "fabrikam") { capabilities { role action allowed } } }`;
const FOLLOW_UPS = `{ followUpStatus { refused lastRefusal { type reason } } }`;

/**
 * R70: "It always succeeds under load". The GDAP part of the revocation is decided on
 * `gdap-<partner>`, the stream every GDAP change of the partner (for all its customers) is written
 * to. On several instances of one EventStoreDB the partner's traffic through another instance is
 * outside the revoking instance's turns: here a rename the partner makes of a draft relationship
 * with another customer is sent just before each of the revocation's appends there. Such writes
 * are refused while the revocation is underway, so it lands at once.
 */
describe('revokePartnerAccess on one of two instances while the partner writes its GDAP stream through the other', () => {
  let double: EsdbDouble;
  const instances: TestApp[] = [];

  beforeAll(async () => {
    double = await EsdbDouble.start({ batchAppend: true });
    const env = { EVENTSTORE_URL: double.url, GDAP_SCHEDULER_MAX_SLEEP_MS: '20' };
    instances.push(await startApp({ env }), await startApp({ env }));
  }, 120_000);
  afterAll(async () => {
    await closeInstances(instances);
    await double.stop();
  });

  it('R70, R64: the customer’s request ends the partner’s GDAP, now or later, however busy the partner is', async () => {
    const holder = instances.find((i) => i.app.get<PolicyLease>(POLICY_LEASE).held)!;
    const other = instances.find((i) => i !== holder)!;
    const [ann, fay, opal] = await Promise.all(
      [people.ann, people.fay, people.opal].map(holder.token),
    );
    const id = (await holder.gql(ann, CREATE, { c: 'fabrikam', n: 'Tier two' })).data
      .createDelegatedAdminRelationship.id as string;
    await holder.gql(ann, REQUEST, { id });
    expect((await holder.gql(fay, APPROVE, { id })).errors).toBeUndefined();
    expect((await holder.gql(ann, ASSIGN, { id })).errors).toBeUndefined();
    const draft = (await other.gql(ann, CREATE, { c: 'woodgrove', n: 'Draft 0' })).data
      .createDelegatedAdminRelationship.id as string;
    const helpdeskAllowed = async () =>
      ((await holder.gql(fay, ACCESS)).data?.effectiveAccess.capabilities ?? []).some(
        (c: { role: string; action: string; allowed: boolean }) =>
          c.role === 'HELPDESK_AGENT' && c.action === 'HELPDESK_ACTIONS' && c.allowed,
      );
    await eventually(helpdeskAllowed);

    // The busy partner: one of its writes (through the other instance) lands in each window.
    const store = holder.app.get<EventStore>(EVENT_STORE);
    const append = store.append.bind(store);
    let busy = true;
    const renames: (string | undefined)[] = [];
    store.append = async (streamId, events, expected) => {
      const terminating = events.some(
        (event) => event.type === 'DelegatedAdminRelationshipTerminationRequested',
      );
      if (busy && streamId === 'gdap-contoso-partners' && terminating) {
        const renamed = await other.gql(ann, RENAME, { id: draft, n: `Draft ${renames.length}` });
        renames.push(renamed.errors?.[0]?.extensions?.rule);
      }
      return append(streamId, events, expected);
    };
    let revoked;
    try {
      revoked = await holder.gql(fay, REVOKE);
    } finally {
      busy = false;
    }
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data.revokePartnerAccess.grants).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ endsOnRevoke: true })]),
    );
    const status = (await holder.gql(opal, FOLLOW_UPS)).data.followUpStatus;
    const [row] = (await holder.gql(ann, LIST)).data.delegatedAdminRelationships.nodes.filter(
      (node: { id: string }) => node.id === id,
    );
    // Ended in the request itself; the partner's rename meanwhile was refused, not the revocation.
    expect({
      relationship: row.status,
      helpdeskAllowed: await helpdeskAllowed(),
      followUps: status,
      renames,
    }).toEqual({
      relationship: expect.stringMatching(/^terminat/),
      helpdeskAllowed: false,
      followUps: { refused: 0, lastRefusal: null },
      renames: ['R70'],
    });
  }, 90_000);
});
