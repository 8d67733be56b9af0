import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { GdapScheduler } from '../../src/gdap/gdap-scheduler';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { appForSuite, describeOnBothStores } from '../support/app';
import type { Answer } from '../support/revoke-before-append';
import { people } from '../support/tenants';
import { randomUUID } from 'node:crypto';
import { fencedStreamsOf } from '../../src/capabilities';
import { GdapStream } from '../../src/gdap/gdap-stream';
import { AggregateStore } from '../../src/platform/write/aggregate-store';
import { Revocations } from '../../src/platform/write/revocations';
import { partnerUser } from '../support/given';
import { Barrier } from '../support/barrier';

const HELPDESK = DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR.roleTemplateId;
const INVITE = `mutation { requestResellerRelationship(input: { includeDelegatedAdmin: true, customerTenantId: "fabrikam" }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const REMOVE = `mutation { removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners", confirm: true) { delegatedAdmin { status } } }`;
const CREATE = `mutation { createDelegatedAdminRelationship(input: { customerTenantId: "fabrikam", displayName: "Helpdesk", duration: "P90D", roles: [{ roleTemplateId: "${HELPDESK}" }] }) { id } }`;
const REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const ASSIGN = `mutation ($id: ID!) { createDelegatedAdminAccessAssignment(input: { relationshipId: $id, securityGroupId: "HELPDESK_AGENTS", roleTemplateIds: ["${HELPDESK}"] }) { accessAssignments { id } } }`;
const TERMINATE = `mutation ($id: ID!) { terminateDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const END = `mutation { endResellerRelationship(customerTenantId: "fabrikam") { relationshipType relationshipActive delegatedAdmin { status } } }`;
const GDAP_OF_FABRIKAM = `{ customer(tenantId: "fabrikam") { delegatedAdminRelationships { status } } }`;
const UNASSIGN = `mutation ($id: ID!, $assignmentId: ID!) { deleteDelegatedAdminAccessAssignment(input: { relationshipId: $id, assignmentId: $assignmentId }) { id } }`;

const PAIR = 'contoso-partners_fabrikam';
const FENCED_STREAMS = [`servicerequests-${PAIR}`, 'autopilot-fabrikam'];
const SAME_TIME = 8;

/**
 * R50 under concurrency: requests that take the same access away at the same time (a double
 * click, a retrying client). Every one decides on the access still in force; the appends of the
 * revoked fact are held back until all have decided, so without turns each would fence the
 * partner's streams before losing the race and being refused on its retry.
 */
describeOnBothStores('identical revocations at the same time', (onEsdb) => {
  const app = appForSuite({ onEsdbDouble: onEsdb });
  let store: EventStore;
  let ann: string;
  let fay: string;

  beforeAll(async () => {
    store = app.app.get<EventStore>(EVENT_STORE);
    await app.app.get(GdapScheduler).stop(); // its passes are run by the test
    [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
  });

  const fences = async () =>
    (await Promise.all(FENCED_STREAMS.map((streamId) => store.readStream(streamId))))
      .flat()
      .filter((event) => event.type === 'PartnerAccessRevocationStarted');
  /** The fences appended since `before` (what fences() gave then). */
  const fencesSince = async (before: { id: string }[]) => {
    const earlier = new Set(before.map((event) => event.id));
    return (await fences()).filter((event) => !earlier.has(event.id));
  };

  /** Runs `requests` at once, holding every append to `factStream` until `requests` loaded it. */
  async function atOnce(factStream: string, request: () => Promise<Answer>): Promise<Answer[]> {
    const append = store.append.bind(store);
    let released!: () => void;
    const allDecided = new Promise<void>((resolve) => (released = resolve));
    store.append = async (streamId, events, expected) => {
      if (streamId === factStream) await allDecided;
      return append(streamId, events, expected);
    };
    try {
      const answers = Array.from({ length: SAME_TIME }, request);
      setTimeout(released, 300);
      return await Promise.all(answers);
    } finally {
      store.append = append;
    }
  }

  /** Fabrikam accepts Contoso's invitation with DAP: the relationship and DAP are active. */
  const acceptWithDap = async () => {
    const invitation = await app.gql(ann, INVITE);
    expect(
      (await app.gql(fay, ACCEPT, { id: invitation.data.requestResellerRelationship.id })).errors,
    ).toBeUndefined();
  };

  const refusedOnly = (answers: Answer[], code: string) => {
    expect(answers.filter((answer) => !answer.errors)).toHaveLength(1);
    for (const answer of answers.filter((answer) => answer.errors)) {
      expect(answer.errors?.[0].extensions).toMatchObject({ code });
    }
  };

  it('R50, R12: of DAP removals at once, one removes it and fences; the refused ones append nothing', async () => {
    await acceptWithDap();
    const fencesBefore = await fences();

    const answers = await atOnce(`dapgrant-${PAIR}`, () => app.gql(fay, REMOVE));

    refusedOnly(answers, 'PRECONDITION_FAILED');
    const removed = (await store.readStream(`dapgrant-${PAIR}`)).filter(
      (event) => event.type === 'DelegatedAdminRemoved',
    );
    expect(removed).toHaveLength(1);
    const fenced = await fencesSince(fencesBefore);
    expect(fenced).toHaveLength(FENCED_STREAMS.length);
    expect(fenced.map((event) => event.metadata.correlationId)).toEqual(
      FENCED_STREAMS.map(() => removed[0].metadata.correlationId),
    );
  });

  it('R50, R66: of deletions of one access assignment at once, one deletes it and fences; the refused ones append nothing', async () => {
    const id: string = (await app.gql(ann, CREATE)).data.createDelegatedAdminRelationship.id;
    await app.gql(ann, REQUEST, { id });
    expect((await app.gql(fay, APPROVE, { id })).errors).toBeUndefined();
    const assigned = await app.gql(ann, ASSIGN, { id });
    const assignmentId: string =
      assigned.data.createDelegatedAdminAccessAssignment.accessAssignments[0].id;
    await app.app.get(GdapScheduler).runDue(); // the assignment becomes active
    const fencesBefore = await fences();

    const answers = await atOnce('gdap-contoso-partners', () =>
      app.gql(ann, UNASSIGN, { id, assignmentId }),
    );

    refusedOnly(answers, 'PRECONDITION_FAILED');
    const deletions = (await store.readStream('gdap-contoso-partners')).filter(
      (event) => event.type === 'DelegatedAdminAccessAssignmentDeletionRequested',
    );
    expect(deletions).toHaveLength(1);
    const fenced = await fencesSince(fencesBefore);
    expect(fenced.map((event) => event.metadata.correlationId)).toEqual(
      FENCED_STREAMS.map(() => deletions[0].metadata.correlationId),
    );
  });

  /**
   * Holds the first append of each request (by its correlation id) until `count` requests have
   * made one: each has decided on the same state before any writes.
   */
  function firstWritesTogether(count: number): () => void {
    const append = store.append.bind(store);
    const arrived = new Set<string>();
    const allDecided = new Barrier(count);
    store.append = async (streamId, events, expected) => {
      const correlationId = events[0]?.metadata.correlationId;
      if (correlationId && !arrived.has(correlationId) && arrived.size < count) {
        arrived.add(correlationId);
        await allDecided.arrive();
      }
      return append(streamId, events, expected);
    };
    return () => (store.append = append);
  }

  it('R50, R64: the customer on one instance and the partner on another terminating one GDAP relationship at once: one claims it and fences, the other is refused, writing nothing', async () => {
    const create = CREATE.replace('"Helpdesk"', '"Helpdesk on two instances"');
    const id: string = (await app.gql(ann, create)).data.createDelegatedAdminRelationship.id;
    await app.gql(ann, REQUEST, { id });
    expect((await app.gql(fay, APPROVE, { id })).errors).toBeUndefined();
    // Another instance's GDAP write side on the same store: its own turns, its own caches.
    const aggregates = new AggregateStore(store, app.clock);
    const elsewhere = new GdapStream(
      aggregates,
      new Revocations(aggregates, fencedStreamsOf, store, app.settings, app.clock),
      app.app.get(GdapScheduler),
    );
    const fencesBefore = await fences();
    const partnerRequest = randomUUID();
    const actor = partnerUser(['AdminAgent'], { tenantId: 'contoso-partners' });
    const restore = firstWritesTogether(2);
    const [customers, partners] = await Promise.allSettled([
      app.gql(fay, TERMINATE, { id }),
      elsewhere.revoke(
        { actor, correlationId: partnerRequest },
        { type: 'TerminateDelegatedAdminRelationship', actor, relationshipId: id },
      ),
    ]).finally(restore);

    const requested = (await store.readStream('gdap-contoso-partners')).filter(
      (event) => event.type === 'DelegatedAdminRelationshipTerminationRequested',
    );
    expect(requested).toHaveLength(1);
    const winner = requested[0].metadata.correlationId;
    const refused =
      winner === partnerRequest
        ? customers.status === 'fulfilled' && customers.value.errors?.[0].extensions
        : partners.status === 'rejected' && partners.reason;
    expect(refused).toMatchObject({ code: 'PRECONDITION_FAILED', rule: 'R64' });
    // The winner fences again if another write moves the partner's GDAP stream before its append.
    const fenced = await fencesSince(fencesBefore);
    expect(fenced.length).toBeGreaterThanOrEqual(FENCED_STREAMS.length);
    expect(new Set(fenced.map((event) => event.metadata.correlationId))).toEqual(new Set([winner]));
  });

  it('R50, R9: of ends of one relationship at once, one starts it, fences and ends it; the others answer with that end or are refused, appending nothing', async () => {
    await acceptWithDap();
    // The suite's earlier GDAP relationships may keep Fabrikam on the page after the end (R16).
    const gdap = (await app.gql(ann, GDAP_OF_FABRIKAM)).data.customer.delegatedAdminRelationships;
    const gdapInForce = gdap.some((relationship: { status: string }) =>
      ['active', 'expiring'].includes(relationship.status),
    );
    const fencesBefore = await fences();
    const before = (await store.readStream(`relationship-${PAIR}`)).length;

    const answers = await atOnce(`relationship-${PAIR}`, () => app.gql(ann, END));

    const ended = answers.filter((answer) => !answer.errors);
    expect(ended.length).toBeGreaterThan(0);
    // Those that joined the end answer with all of it, as the one that recorded it does.
    for (const answer of ended) {
      expect(answer.data.endResellerRelationship).toEqual({
        relationshipType: gdapInForce ? 'GRANULAR_DELEGATED_ADMIN' : 'RESELLER',
        relationshipActive: gdapInForce,
        delegatedAdmin: { status: 'REMOVED' },
      });
    }
    for (const answer of answers.filter((answer) => answer.errors)) {
      expect(answer.errors?.[0].extensions).toEqual({ code: 'PRECONDITION_FAILED', rule: 'R9' });
    }
    const recorded = (await store.readStream(`relationship-${PAIR}`)).slice(before);
    expect(recorded.map((event) => event.type)).toEqual([
      'RelationshipEndStarted',
      'RelationshipEnded',
    ]);
    const fenced = await fencesSince(fencesBefore);
    expect(fenced).toHaveLength(FENCED_STREAMS.length);
    expect(fenced.map((event) => event.data)).toEqual(
      FENCED_STREAMS.map(() => expect.objectContaining({ factRevision: recorded[0].revision })),
    );
  });
});

const PROVISION = `mutation { provisionAzureSubscription(input: { customerTenantId: "fabrikam", displayName: "Prod" }) { id } }`;
const REVOKE_ALL = `mutation { revokePartnerAccess(partnerTenantId: "contoso-partners", confirm: true) { grants { kind endsOnRevoke } } }`;

describeOnBothStores('one partner’s access revoked by several requests at once', (onEsdb) => {
  const app = appForSuite({ onEsdbDouble: onEsdb });

  it('R70, R50: every request that succeeds answers once nothing it ends (DAP, GDAP, Azure roles) is left', async () => {
    const [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
    const invitation = await app.gql(ann, INVITE);
    await app.gql(fay, ACCEPT, { id: invitation.data.requestResellerRelationship.id });
    expect((await app.gql(ann, PROVISION)).errors).toBeUndefined();
    const id: string = (await app.gql(ann, CREATE)).data.createDelegatedAdminRelationship.id;
    await app.gql(ann, REQUEST, { id });
    expect((await app.gql(fay, APPROVE, { id })).errors).toBeUndefined();

    const answers = await Promise.all(
      Array.from({ length: SAME_TIME }, () => app.gql(fay, REVOKE_ALL)),
    );

    for (const answer of answers) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data.revokePartnerAccess.grants).toEqual([
        { kind: 'RESELLER_RELATIONSHIP', endsOnRevoke: false },
        { kind: 'AUTOPILOT', endsOnRevoke: false },
      ]);
    }
  });
});
