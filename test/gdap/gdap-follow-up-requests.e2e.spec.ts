import { DIRECTORY_ROLES } from '../../src/gdap/domain/role-catalogue';
import { GdapScheduler } from '../../src/gdap/gdap-scheduler';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../../src/platform/event-store/event-store';
import { appForSuite, describeOnBothStores } from '../support/app';
import { people } from '../support/tenants';
import { readModelsCaughtUp } from '../support/caught-up';

const HELPDESK = DIRECTORY_ROLES.HELPDESK_ADMINISTRATOR.roleTemplateId;
const CREATE = `mutation ($name: String!) { createDelegatedAdminRelationship(input: { customerTenantId: "fabrikam", displayName: $name, duration: "P90D", roles: [{ roleTemplateId: "${HELPDESK}" }] }) { id } }`;
const REQUEST = `mutation ($id: ID!) { requestDelegatedAdminRelationshipApproval(input: { relationshipId: $id }) { id } }`;
const APPROVE = `mutation ($id: ID!) { approveDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const TERMINATE = `mutation ($id: ID!) { terminateDelegatedAdminRelationship(input: { relationshipId: $id }) { id } }`;
const ASSIGN = `mutation ($id: ID!) { createDelegatedAdminAccessAssignment(input: { relationshipId: $id, securityGroupId: "HELPDESK_AGENTS", roleTemplateIds: ["${HELPDESK}"] }) { accessAssignments { id } } }`;
const UNASSIGN = `mutation ($id: ID!, $assignmentId: ID!) { deleteDelegatedAdminAccessAssignment(input: { relationshipId: $id, assignmentId: $assignmentId }) { id } }`;
const AUDIT_OF_REQUEST = `query ($id: ID!) { auditLog(first: 20, filter: { correlationId: $id }) { totalCount nodes { type correlationId actor { userId } } } }`;

type Answer = { errors?: unknown[]; data?: any };
const ok = (answer: Answer): Answer => {
  expect(answer.errors).toBeUndefined();
  return answer;
};

/**
 * R64, R66, R69: the steps the scheduler records after a request (a termination finished, an
 * assignment activated or deleted) belong to that request: its correlation id, and the event that
 * asked for them as their cause, so the request's audit lists them. What time alone decides
 * (expiring) carries the scheduler's own.
 */
describeOnBothStores(
  'the GDAP scheduler’s steps belong to the requests that asked for them',
  (onEsdb) => {
    const app = appForSuite({ onEsdbDouble: onEsdb });
    let store: EventStore;
    let scheduler: GdapScheduler;
    let ann: string;
    let fay: string;

    beforeAll(async () => {
      store = app.app.get<EventStore>(EVENT_STORE);
      scheduler = app.app.get(GdapScheduler);
      await scheduler.stop(); // this test runs the passes itself
      [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
    });

    const stream = () => store.readStream('gdap-contoso-partners');
    const only = (events: RecordedEvent[], type: string, id: string) => {
      const found = events.filter(
        (event) =>
          event.type === type && Object.values(event.data as Record<string, unknown>).includes(id),
      );
      expect(found).toHaveLength(1);
      return found[0];
    };
    const followsFrom = (step: RecordedEvent, asking: RecordedEvent) => {
      expect(step.metadata.correlationId).toBe(asking.metadata.correlationId);
      expect(step.metadata.causationId).toBe(asking.id);
      expect(step.metadata.actor.userId).toBe('gdap-scheduler');
    };

    async function active(name: string): Promise<string> {
      const id: string = ok(await app.gql(ann, CREATE, { name })).data
        .createDelegatedAdminRelationship.id;
      ok(await app.gql(ann, REQUEST, { id }));
      ok(await app.gql(fay, APPROVE, { id }));
      return id;
    }

    it('R64, R66, R69: one pass records steps of three requests and of time, each with its own', async () => {
      const assigned = await active('Assigned');
      const assignmentId: string = ok(await app.gql(ann, ASSIGN, { id: assigned })).data
        .createDelegatedAdminAccessAssignment.accessAssignments[0].id;
      const ended = await active('Ended by Fabrikam');
      ok(await app.gql(fay, TERMINATE, { id: ended }));
      app.clock.advance(61 * 86_400_000); // both relationships enter their last 30 days

      const before = (await stream()).length;
      await scheduler.runDue();
      const events = await stream();
      const pass = events.slice(before);
      followsFrom(
        only(pass, 'DelegatedAdminAccessAssignmentActivated', assignmentId),
        only(events, 'DelegatedAdminAccessAssignmentCreated', assignmentId),
      );
      const termination = only(events, 'DelegatedAdminRelationshipTerminationRequested', ended);
      followsFrom(only(pass, 'DelegatedAdminRelationshipTerminated', ended), termination);
      const expiring = only(pass, 'DelegatedAdminRelationshipExpiring', assigned);
      expect(expiring.metadata.correlationId).toMatch(/^gdap-scheduler-/);
      expect(expiring.metadata.causationId).toBe(expiring.metadata.correlationId);

      // R41: the customer's request lists what it did (its fences too) and what was finished for it,
      // once the read models have applied the scheduler's events (no caller's writes).
      await readModelsCaughtUp(app);
      const { correlationId } = termination.metadata;
      const ofRequest = (await store.readAll({ maxCount: 10_000 })).filter(
        (event) => event.metadata.correlationId === correlationId,
      );
      const audit: Answer = ok(await app.gql(fay, AUDIT_OF_REQUEST, { id: correlationId }));
      expect(audit.data.auditLog.nodes).toEqual(
        ofRequest.reverse().map((event) => ({
          type: event.type,
          correlationId,
          actor: { userId: event.metadata.actor.userId },
        })),
      );
      expect(audit.data.auditLog.nodes[0]).toEqual({
        type: 'DelegatedAdminRelationshipTerminated',
        correlationId,
        actor: { userId: 'gdap-scheduler' },
      });

      ok(await app.gql(ann, UNASSIGN, { id: assigned, assignmentId }));
      await scheduler.runDue();
      const after = await stream();
      followsFrom(
        only(after, 'DelegatedAdminAccessAssignmentDeleted', assignmentId),
        only(after, 'DelegatedAdminAccessAssignmentDeletionRequested', assignmentId),
      );
    });
  },
);
