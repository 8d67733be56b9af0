import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../../src/platform/event-store/event-store';
import { DapGrantPolicy } from '../../src/delegated-admin/dap-grant.policy';
import { RelationshipPolicy } from '../../src/invitations/relationship.policy';
import { appForSuite, describeOnBothStores } from '../support/app';
import type { Answer } from '../support/revoke-before-append';
import { people } from '../support/tenants';

const REQUEST = `mutation ($dap: Boolean!) { requestResellerRelationship(input: { customerDomain: "fabrikam.onmicrosoft.com", includeDelegatedAdmin: $dap }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { customerTenantId } }`;
const END = `mutation { endResellerRelationship(customerTenantId: "fabrikam") { tenantId } }`;
const DAP_STATUS = `{ customer(tenantId: "fabrikam") { relationshipActive delegatedAdmin { status } } }`;

const PAIR = 'contoso-partners_fabrikam';

/**
 * The relationship's end removes DAP as a follow-up on the DapGrant stream (R9); an invitation the
 * customer accepts between the end and that removal re-establishes the relationship (R7) and,
 * with DAP, must leave DAP granted (R10): the removal is decided again on what the relationship
 * says when it comes to append.
 */
describeOnBothStores('DAP after an end and a re-acceptance racing its removal', (onEsdb) => {
  const app = appForSuite({ onEsdbDouble: onEsdb });
  const eventStore = () => app.app.get<EventStore>(EVENT_STORE);
  let ann: string;
  let fay: string;

  beforeAll(async () => {
    [ann, fay] = await Promise.all([people.ann, people.fay].map(app.token));
  });

  const accept = async (dap: boolean): Promise<Answer> => {
    const id = (await app.gql(ann, REQUEST, { dap })).data.requestResellerRelationship.id;
    return app.gql(fay, ACCEPT, { id });
  };
  const types = async (streamId: string) =>
    (await eventStore().readStream(streamId)).map((event: RecordedEvent) => event.type);

  /** Ends the relationship; its DAP removal waits at its append until `meanwhile` answered. */
  async function endWhile(meanwhile: () => Promise<Answer>): Promise<Answer> {
    const store = eventStore();
    const append = store.append.bind(store);
    let interleaved: Promise<Answer> | undefined;
    store.append = async (streamId, events, expected) => {
      const removal = events.some((event) => event.type === 'DelegatedAdminRemoved');
      if (!interleaved && streamId === `dapgrant-${PAIR}` && removal) {
        interleaved = meanwhile();
        expect((await interleaved).errors).toBeUndefined();
      }
      return append(streamId, events, expected);
    };
    try {
      const ended = await app.gql(ann, END);
      expect(interleaved).toBeDefined();
      return ended;
    } finally {
      store.append = append;
    }
  }

  /** The relationship ended and was established again; DAP as its stream and the page say. */
  async function expectReestablishedWithDap(
    status: 'ACTIVE' | 'REMOVED',
    lastDapEvent: string,
  ): Promise<void> {
    expect((await types(`relationship-${PAIR}`)).slice(-2)).toEqual([
      'RelationshipEnded',
      'RelationshipEstablished',
    ]);
    expect((await types(`dapgrant-${PAIR}`)).at(-1)).toBe(lastDapEvent);
    const page = await app.gql(ann, DAP_STATUS);
    expect(page.data.customer).toEqual({ relationshipActive: true, delegatedAdmin: { status } });
  }

  it('R9, R10, R8: an invitation with DAP accepted before the end’s DAP removal appends keeps DAP active on the re-established relationship', async () => {
    expect((await accept(true)).errors).toBeUndefined();
    expect((await endWhile(() => accept(true))).errors).toBeUndefined();

    await expectReestablishedWithDap('ACTIVE', 'DelegatedAdminGranted');
  });

  it('R9, R8: an invitation without DAP accepted before the end’s DAP removal appends re-establishes the relationship without DAP', async () => {
    expect((await accept(true)).errors).toBeUndefined();
    expect((await endWhile(() => accept(false))).errors).toBeUndefined();

    await expectReestablishedWithDap('REMOVED', 'DelegatedAdminRemoved');
  });

  it('R9, R8, R10: re-established without DAP, then renegotiated with DAP, both before the end’s DAP removal appends: DAP stays active', async () => {
    expect((await accept(true)).errors).toBeUndefined();
    const reestablishThenRenegotiate = async () => {
      expect((await accept(false)).errors).toBeUndefined();
      return accept(true);
    };
    expect((await endWhile(reestablishThenRenegotiate)).errors).toBeUndefined();

    await expectReestablishedWithDap('ACTIVE', 'DelegatedAdminGranted');
  });

  it('R8, R41: a renegotiation while DAP is active is recorded, and the audit says it is one', async () => {
    expect((await accept(true)).errors).toBeUndefined();
    expect((await accept(true)).errors).toBeUndefined();
    const grants = await app.gql(
      fay,
      `{ auditLog(first: 1, filter: { eventTypes: ["DelegatedAdminGranted"] }) { nodes { summary } } }`,
    );
    expect(grants.data.auditLog.nodes[0].summary).toBe(
      'Fay (Fabrikam, GlobalAdmin) granted DAP (Global Administrator, Helpdesk Administrator) to Contoso Partners again, renegotiating it (R8)',
    );
    expect((await eventStore().readStream(`dapgrant-${PAIR}`)).at(-1)?.data).toMatchObject({
      renegotiated: true,
    });
  });

  it('R7, R10: an acceptance’s relationship follow-up runs before its DAP grant, which the removal above relies on', async () => {
    const establishing = jest.spyOn(app.app.get(RelationshipPolicy), 'react');
    const granting = jest.spyOn(app.app.get(DapGrantPolicy), 'react');
    try {
      expect((await accept(true)).errors).toBeUndefined();
      const orderOf = (spy: typeof establishing) =>
        spy.mock.invocationCallOrder[
          spy.mock.calls.findIndex(([event]) => event.type === 'InvitationAccepted')
        ];
      expect(orderOf(establishing)).toBeLessThan(orderOf(granting));
    } finally {
      establishing.mockRestore();
      granting.mockRestore();
    }
  });
});
