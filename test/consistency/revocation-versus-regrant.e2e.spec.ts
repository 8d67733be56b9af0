import { PolicyReactor } from '../../src/platform/policies/policy.reactor';
import { describeOnBothStores } from '../support/app';
import type { Answer } from '../support/revoke-before-append';
import { pairStoryOn } from '../support/pair-story';

const INVITE = (dap: boolean) =>
  `mutation { requestResellerRelationship(input: { customerTenantId: "fabrikam", includeDelegatedAdmin: ${dap} }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { relationshipActive delegatedAdmin { status } } }`;
const REVOKE = `mutation { revokePartnerAccess(partnerTenantId: "contoso-partners", confirm: true) { grants { kind } } }`;
const PARTNERS = `{ partnerRelationships { partnerTenantId relationshipActive delegatedAdmin { status } } }`;
const PAIR = 'contoso-partners_fabrikam';

/**
 * R70: "leaves alone a grant given again after the request (..., DAP granted again, ...)". The
 * customer accepts an invitation with DAP after its request to end all access is recorded, while
 * the request's own (inline) run is still under way: the DAP granted after the request must stay,
 * whether the request finds no DAP yet, or removes the earlier DAP before the new grant appends.
 */
describeOnBothStores('revokePartnerAccess and a DAP grant given again after it', (onEsdb) => {
  const story = pairStoryOn(onEsdb);
  const { eventStore, types } = story;

  /** A reseller relationship, with DAP or without, then the reactor stopped. */
  async function establish(withDap: boolean): Promise<void> {
    const first = await story.app.gql(story.ann, INVITE(withDap));
    const accepted = await story.app.gql(story.fay, ACCEPT, {
      id: first.data.requestResellerRelationship.id,
    });
    expect(accepted.errors).toBeUndefined();
    await story.app.app.get(PolicyReactor).stop();
  }

  it('R70, R10: an invitation with DAP accepted once the request is recorded, before its run reaches DAP: the DAP granted after the request is left alone', async () => {
    await establish(false);
    const id = (await story.app.gql(story.ann, INVITE(true))).data.requestResellerRelationship
      .id as string;
    const store = eventStore();
    const append = store.append.bind(store);
    let regranted: Answer | undefined;
    store.append = async (streamId, events, expected) => {
      const appended = await append(streamId, events, expected);
      if (!regranted && events.some((e) => e.type === 'PartnerAccessRevocationRequested')) {
        regranted = { errors: [] };
        regranted = await story.app.gql(story.fay, ACCEPT, { id });
      }
      return appended;
    };
    try {
      expect((await story.app.gql(story.fay, REVOKE)).errors).toBeUndefined();
    } finally {
      store.append = append;
    }
    // The acceptance came after the request, and answered with DAP active.
    expect(regranted?.errors).toBeUndefined();
    expect(regranted?.data.acceptResellerInvitation.delegatedAdmin).toEqual({ status: 'ACTIVE' });

    // ... and the request, decided before it, must not take that grant away.
    expect((await types(`dapgrant-${PAIR}`)).at(-1)).toBe('DelegatedAdminGranted');
    expect((await story.app.gql(story.fay, PARTNERS)).data.partnerRelationships).toEqual([
      {
        partnerTenantId: 'contoso-partners',
        relationshipActive: true,
        delegatedAdmin: { status: 'ACTIVE' },
      },
    ]);
  }, 60_000);

  it('R70, R8: the grant of an acceptance made after the request stands, though it appends after the request removed the earlier DAP', async () => {
    await establish(true);
    const id = (await story.app.gql(story.ann, INVITE(true))).data.requestResellerRelationship
      .id as string;
    const store = eventStore();
    const append = store.append.bind(store);
    let accepting: Promise<Answer> | undefined;
    let accepted!: () => void;
    const acceptanceRecorded = new Promise<void>((resolve) => (accepted = resolve));
    let removed!: () => void;
    const removalRecorded = new Promise<void>((resolve) => (removed = resolve));
    let held = false;
    store.append = async (streamId, events, expected) => {
      if (!accepting && events.some((e) => e.type === 'PartnerAccessRevocationRequested')) {
        const appended = await append(streamId, events, expected);
        accepting = story.app.gql(story.fay, ACCEPT, { id });
        await acceptanceRecorded;
        return appended;
      }
      if (events.some((e) => e.type === 'InvitationAccepted')) {
        const appended = await append(streamId, events, expected);
        accepted();
        return appended;
      }
      if (!held && events.some((e) => e.type === 'DelegatedAdminGranted')) {
        held = true;
        await removalRecorded;
      }
      if (events.some((e) => e.type === 'DelegatedAdminRemoved')) {
        const appended = await append(streamId, events, expected);
        removed();
        return appended;
      }
      return append(streamId, events, expected);
    };
    try {
      expect((await story.app.gql(story.fay, REVOKE)).errors).toBeUndefined();
      expect((await accepting!).errors).toBeUndefined();
    } finally {
      store.append = append;
    }
    expect(held).toBe(true);

    expect((await types(`dapgrant-${PAIR}`)).slice(-2)).toEqual([
      'DelegatedAdminRemoved',
      'DelegatedAdminGranted',
    ]);
    expect((await story.app.gql(story.fay, PARTNERS)).data.partnerRelationships).toEqual([
      {
        partnerTenantId: 'contoso-partners',
        relationshipActive: true,
        delegatedAdmin: { status: 'ACTIVE' },
      },
    ]);
  }, 60_000);
});
