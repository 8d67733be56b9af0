import type { GdapCommand } from '../../src/gdap/domain/commands';
import { gdapDecider } from '../../src/gdap/domain/gdap.decider';
import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { DomainError } from '../../src/platform/domain/domain-error';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { AggregateStore } from '../../src/platform/write/aggregate-store';
import { EsdbDouble } from '../support/esdb-double/esdb-double';
import { describeOnBothStores, removeDataDir, startApp, type TestApp } from '../support/app';
import { partnerUser } from '../support/given';
import { people } from '../support/tenants';

const HELPDESK = DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR.roleTemplateId;
const CREATE = `mutation ($c: ID!, $n: String!) { createDelegatedAdminRelationship(input: { customerTenantId: $c, displayName: $n, duration: "P90D", roles: [{ roleTemplateId: "${HELPDESK}" }] }) { id } }`;
const REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const ASSIGN = `mutation ($id: ID!) { createDelegatedAdminAccessAssignment(input: { relationshipId: $id, securityGroupId: "HELPDESK_AGENTS", roleTemplateIds: ["${HELPDESK}"] }) { id } }`;
const RENAME = `mutation ($id: ID!, $n: String!) { updateDelegatedAdminRelationship(input: { relationshipId: $id, displayName: $n }) { id } }`;
const LIST = `{ delegatedAdminRelationships { nodes { id status } } }`;
const REVOKE = `mutation { revokePartnerAccess(partnerTenantId: "contoso-partners", confirm: true) { grants { kind endsOnRevoke } } }`;
const FOLLOW_UPS = `{ followUpStatus { refused } }`;
const ACCESS = `{ effectiveAccess(partnerTenantId: "contoso-partners", customerTenantId: "fabrikam") { capabilities { role action allowed } } }`;
const STREAM = 'gdap-contoso-partners';

/**
 * R70 under concurrency. "It always succeeds under load": the partner writes `gdap-<partner>` (for
 * all its customers) from other instances, outside this process's turns; here a write of the
 * partner, decided as another instance would decide it, lands just before each of the
 * revocation's appends there. And it ends what was granted before the request by the log's order,
 * whatever the clocks of the instances that recorded them said.
 */
describeOnBothStores(
  'revokePartnerAccess against a busy partner and clocks that differ',
  (onEsdb) => {
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

    it('R70, R64: the partner’s writes meanwhile are refused (CONFLICT, R70), the termination lands, and the partner writes again afterwards', async () => {
      const [ann, fay, opal] = await Promise.all(
        [people.ann, people.fay, people.opal].map(app.token),
      );
      const id = (await app.gql(ann, CREATE, { c: 'fabrikam', n: 'Tier two' })).data
        .createDelegatedAdminRelationship.id as string;
      await app.gql(ann, REQUEST, { id });
      expect((await app.gql(fay, APPROVE, { id })).errors).toBeUndefined();
      expect((await app.gql(ann, ASSIGN, { id })).errors).toBeUndefined();
      const draft = (await app.gql(ann, CREATE, { c: 'woodgrove', n: 'Draft' })).data
        .createDelegatedAdminRelationship.id as string;

      const store = app.app.get<EventStore>(EVENT_STORE);
      const aggregates = app.app.get(AggregateStore);
      const actor = partnerUser(['AdminAgent'], { tenantId: 'contoso-partners' });
      const rename: GdapCommand = {
        type: 'UpdateDelegatedAdminRelationship',
        actor,
        relationshipId: draft,
        displayName: 'Renamed meanwhile',
      };
      const append = store.append.bind(store);
      const refusals: string[] = [];
      store.append = async (streamId, events, expected) => {
        if (streamId === STREAM && events.some((e) => e.type.endsWith('TerminationRequested'))) {
          await aggregates
            .decide(STREAM, gdapDecider, rename, { actor, correlationId: 'another-instance' })
            .then(
              () => refusals.push('landed'),
              (error: DomainError) => refusals.push(`${error.code} ${error.rule}`),
            );
        }
        return append(streamId, events, expected);
      };
      const revoked = await app.gql(fay, REVOKE).finally(() => (store.append = append));

      expect(revoked.errors).toBeUndefined();
      expect(refusals).toEqual(['CONFLICT R70']);
      expect(revoked.data.revokePartnerAccess.grants).toEqual(
        expect.not.arrayContaining([expect.objectContaining({ endsOnRevoke: true })]),
      );
      const rows = (await app.gql(ann, LIST)).data.delegatedAdminRelationships.nodes;
      expect(rows.find((row: { id: string }) => row.id === id).status).toMatch(/^terminat/);
      expect((await app.gql(opal, FOLLOW_UPS)).data.followUpStatus.refused).toBe(0);
      const types = (await store.readStream(STREAM)).map((event) => event.type);
      expect(types.filter((type) => /^Gdap|TerminationRequested$/.test(type))).toEqual([
        'GdapRevocationStarted',
        'DelegatedAdminRelationshipTerminationRequested',
        'GdapRevocationFinished',
      ]);
      expect(
        (await app.gql(ann, RENAME, { id: draft, n: 'Renamed after' })).errors,
      ).toBeUndefined();
    });

    it('R70, R67: a relationship approved before the request is terminated, though its approval was stamped by a clock two seconds ahead', async () => {
      const [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
      const id = (await app.gql(ann, CREATE, { c: 'fabrikam', n: 'Tier two' })).data
        .createDelegatedAdminRelationship.id as string;
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
  },
);
