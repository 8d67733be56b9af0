import { PolicyReactor } from '../../src/platform/policies/policy.reactor';
import { describeOnBothStores } from '../support/app';
import { eventually } from '../support/eventually';
import type { Answer } from '../support/revoke-before-append';
import { pairStoryOn } from '../support/pair-story';
import { people } from '../support/tenants';

const REQUEST = `mutation { requestResellerRelationship(input: { customerDomain: "fabrikam.onmicrosoft.com", includeDelegatedAdmin: true }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { relationshipActive delegatedAdmin { status } } }`;
const END = `mutation { endResellerRelationship(customerTenantId: "fabrikam") { tenantId } }`;
const REVOKE = `mutation { revokePartnerAccess(partnerTenantId: "contoso-partners", confirm: true) { grants { kind } } }`;
const REMOVE_DAP = `mutation { removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners", confirm: true) { delegatedAdmin { status } } }`;
const PARTNERS = `{ partnerRelationships { partnerTenantId relationshipActive delegatedAdmin { status } } }`;
const FOLLOW_UPS = `{ followUpStatus { lag refused retrying { type } } }`;

const PAIR = 'contoso-partners_fabrikam';
const FOLLOW_UP_EVENTS = [
  'RelationshipEstablished',
  'DelegatedAdminGranted',
  'DelegatedAdminRemoved',
];

/**
 * An acceptance's follow-ups (the relationship, R7; its DAP, R10) are decided as of the acceptance:
 * whatever the pair's streams recorded after it, an end of the relationship included, happened
 * after it, whenever the follow-ups themselves come to append.
 */
describeOnBothStores('an acceptance and an end of the relationship racing', (onEsdb) => {
  const story = pairStoryOn(onEsdb);
  const { eventStore, types, restart } = story;

  beforeEach(async () => {
    const invitation = await story.app.gql(story.ann, REQUEST);
    const accepted = await story.app.gql(story.fay, ACCEPT, {
      id: invitation.data.requestResellerRelationship.id,
    });
    expect(accepted.errors).toBeUndefined();
  });

  const invite = async (): Promise<string> =>
    (await story.app.gql(story.ann, REQUEST)).data.requestResellerRelationship.id as string;
  /** The partner on the customer's Partner relationships page, relationship active, DAP `status`. */
  const expectOnPageWithDap = async (status: string) =>
    expect((await story.app.gql(story.fay, PARTNERS)).data.partnerRelationships).toEqual([
      { partnerTenantId: 'contoso-partners', relationshipActive: true, delegatedAdmin: { status } },
    ]);
  const partnerRelationships = async () =>
    (await story.app.gql(story.fay, PARTNERS)).data.partnerRelationships as unknown[];

  /**
   * Accepts invitation `id`; once its acceptance is appended, `meanwhile` runs to its answer. The
   * reactor is stopped first, as if behind: the acceptance's own run of its follow-ups decides.
   */
  async function acceptThen(id: string, meanwhile: () => Promise<Answer>): Promise<Answer> {
    await story.app.app.get(PolicyReactor).stop();
    const store = eventStore();
    const append = store.append.bind(store);
    let interleaved: Answer | undefined;
    store.append = async (streamId, events, expected) => {
      const appended = await append(streamId, events, expected);
      if (!interleaved && events.some((event) => event.type === 'InvitationAccepted')) {
        interleaved = await meanwhile();
      }
      return appended;
    };
    try {
      const answer = await story.app.gql(story.fay, ACCEPT, { id });
      expect(interleaved?.errors).toBeUndefined();
      return answer;
    } finally {
      store.append = append;
    }
  }

  it('R7, R9, R8: an invitation accepted while the relationship is active, then the relationship ended before the acceptance’s follow-ups ran: the relationship stays ended, DAP removed', async () => {
    const id = await invite();
    const accepted = await acceptThen(id, () => story.app.gql(story.ann, END));
    expect(accepted.errors).toBeUndefined();
    expect(accepted).toMatchObject({
      data: {
        acceptResellerInvitation: {
          relationshipActive: false,
          delegatedAdmin: { status: 'REMOVED' },
        },
      },
    });

    expect((await types(`relationship-${PAIR}`)).at(-1)).toBe('RelationshipEnded');
    expect((await types(`dapgrant-${PAIR}`)).at(-1)).toBe('DelegatedAdminRemoved');
    expect(await partnerRelationships()).toEqual([]);
  });

  it('R8, R12: an invitation with DAP accepted while DAP is active, then DAP removed by the customer before the acceptance’s follow-ups ran: DAP stays removed', async () => {
    const id = await invite();
    const accepted = await acceptThen(id, () => story.app.gql(story.fay, REMOVE_DAP));
    expect(accepted.data.acceptResellerInvitation).toEqual({
      relationshipActive: true,
      delegatedAdmin: { status: 'REMOVED' },
    });

    expect((await types(`dapgrant-${PAIR}`)).slice(-2)).toEqual([
      'DelegatedAdminGranted',
      'DelegatedAdminRemoved',
    ]);
    await expectOnPageWithDap('REMOVED');
  });

  it('R9, R7, R10: an end and then a re-acceptance with DAP, both of whose follow-ups failed, finished by the reactor after a restart: the relationship is re-established with DAP active', async () => {
    await story.app.app.get(PolicyReactor).stop();
    const store = eventStore();
    const append = store.append.bind(store);
    store.append = (streamId, events, expected) =>
      events.some((event) => FOLLOW_UP_EVENTS.includes(event.type))
        ? Promise.reject(new Error('disk I/O error'))
        : append(streamId, events, expected);
    try {
      await story.app.gql(story.ann, END);
      await story.app.gql(story.fay, ACCEPT, { id: await invite() });
    } finally {
      store.append = append;
    }
    expect((await types(`relationship-${PAIR}`)).at(-1)).toBe('RelationshipEnded');

    await restart();
    const opal = await story.app.token(people.opal);
    await eventually(
      async () => (await story.app.gql(opal, FOLLOW_UPS)).data.followUpStatus.lag === 0,
    );

    expect((await types(`relationship-${PAIR}`)).slice(-2)).toEqual([
      'RelationshipEnded',
      'RelationshipEstablished',
    ]);
    expect((await types(`dapgrant-${PAIR}`)).slice(-2)).toEqual([
      'DelegatedAdminRemoved',
      'DelegatedAdminGranted',
    ]);
    await expectOnPageWithDap('ACTIVE');
  });
});

/**
 * A new pair's DAP grant reads the pair, then an end or the customer's request to end all access
 * lands before the grant appends: their removal finds no DAP yet and records nothing. The
 * acceptance's follow-ups then check the appended grant against what came after the acceptance and
 * remove it again (R9, R70), as the end or the request would have.
 */
describeOnBothStores('an acceptance’s DAP grant overtaken before it appends', (onEsdb) => {
  const story = pairStoryOn(onEsdb);
  const { eventStore, types, restart } = story;
  const dapStatuses = async () =>
    (
      (await story.app.gql(story.fay, PARTNERS)).data.partnerRelationships as {
        delegatedAdmin: { status: string };
      }[]
    ).map((row) => row.delegatedAdmin.status);

  beforeEach(async () => {
    await story.app.app.get(PolicyReactor).stop();
  });

  /** Accepts a new invitation with DAP; `meanwhile` runs to its answer just before the grant appends. */
  async function acceptWhileGranting(meanwhile: () => Promise<Answer>): Promise<void> {
    const store = eventStore();
    const append = store.append.bind(store);
    let interleaved: Answer | undefined;
    store.append = async (streamId, events, expected) => {
      if (!interleaved && events.some((event) => event.type === 'DelegatedAdminGranted')) {
        interleaved = await meanwhile();
      }
      return append(streamId, events, expected);
    };
    try {
      const id = (await story.app.gql(story.ann, REQUEST)).data.requestResellerRelationship
        .id as string;
      await story.app.gql(story.fay, ACCEPT, { id });
      expect(interleaved?.errors).toBeUndefined();
    } finally {
      store.append = append;
    }
  }

  it('R9, R10: the partner ends the relationship while the first acceptance’s grant appends: DAP is removed again, and a later acceptance without DAP gives none', async () => {
    await acceptWhileGranting(() => story.app.gql(story.ann, END));

    expect((await types(`dapgrant-${PAIR}`)).slice(-2)).toEqual([
      'DelegatedAdminGranted',
      'DelegatedAdminRemoved',
    ]);
    const withoutDap = await story.app.gql(
      story.ann,
      `mutation { requestResellerRelationship(input: { customerTenantId: "fabrikam", includeDelegatedAdmin: false }) { id } }`,
    );
    const accepted = await story.app.gql(story.fay, ACCEPT, {
      id: withoutDap.data.requestResellerRelationship.id,
    });
    expect(accepted.data.acceptResellerInvitation).toEqual({
      relationshipActive: true,
      delegatedAdmin: { status: 'REMOVED' },
    });
  });

  it('R70, R10: the customer asks to end all the partner’s access while the first acceptance’s grant appends: DAP is removed again', async () => {
    await acceptWhileGranting(() => story.app.gql(story.fay, REVOKE));

    expect((await types(`dapgrant-${PAIR}`)).slice(-2)).toEqual([
      'DelegatedAdminGranted',
      'DelegatedAdminRemoved',
    ]);
    expect(await dapStatuses()).toEqual(['REMOVED']);
  });

  it('R70, R10: an acceptance whose grant failed, then the customer’s request to end all access, then a restart: the replayed grant grants nothing', async () => {
    const store = eventStore();
    const append = store.append.bind(store);
    store.append = (streamId, events, expected) =>
      events.some((event) => event.type === 'DelegatedAdminGranted')
        ? Promise.reject(new Error('disk I/O error'))
        : append(streamId, events, expected);
    try {
      const id = (await story.app.gql(story.ann, REQUEST)).data.requestResellerRelationship
        .id as string;
      await story.app.gql(story.fay, ACCEPT, { id });
    } finally {
      store.append = append;
    }
    expect((await story.app.gql(story.fay, REVOKE)).errors).toBeUndefined();

    await restart();
    const opal = await story.app.token(people.opal);
    await eventually(
      async () => (await story.app.gql(opal, FOLLOW_UPS)).data.followUpStatus.lag === 0,
    );

    expect(await types(`dapgrant-${PAIR}`)).not.toContain('DelegatedAdminGranted');
    expect(await dapStatuses()).toEqual(['NONE']);
  });
});
