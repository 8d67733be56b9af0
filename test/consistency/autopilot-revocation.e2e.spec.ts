import type { AutopilotPolicy } from '../../src/autopilot/domain/autopilot-access';
import type { RevocableFact } from '../../src/platform/domain/revocation-fences';
import { streamIds } from '../../src/platform/domain/streams';
import type { Recorded } from '../../src/events';
import { EVENT_STORE, type EventStore } from '../../src/platform/event-store/event-store';
import { recordedDomainEventOf } from '../../src/platform/event-store/unreadable-events';
import { appForSuite, describeOnBothStores, type GraphQLResponse } from '../support/app';
import { AUTOPILOT } from '../support/autopilot';
import { customerAdmin, people } from '../support/tenants';

const PARTNER = 'contoso-partners';
const ROUNDS = 4;
const REQUEST = `mutation ($customer: ID!) { requestResellerRelationship(input: { customerTenantId: $customer }) { id } }`;
const ACCEPT = `mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { partnerTenantId } }`;
const REMOVE_DAP = `mutation { removeDelegatedAdminPrivileges(partnerTenantId: "${PARTNER}", confirm: true) { delegatedAdmin { status } } }`;
const END = `mutation ($customer: ID!) { endResellerRelationship(customerTenantId: $customer) { tenantId } }`;

/** The registry's events as the product reads them, typed by their type. */
const readable = (events: Parameters<typeof recordedDomainEventOf>[0][]): Recorded[] =>
  events.flatMap((event) => recordedDomainEventOf(event) ?? []);

/**
 * R9, R13, R30, R35 written down from the rules: which Autopilot events of the partner may still
 * be recorded after a revocation's fence, i.e. decided on the facts after it.
 */
function mayFollowTheFence(
  policy: AutopilotPolicy,
  revoking: RevocableFact,
  event: Recorded,
  addedByThePartner: ReadonlySet<string>,
): boolean {
  if (revoking === 'RELATIONSHIP') return false; // R9, R30: no relationship, no Autopilot rights
  if (policy === 'current') return true; // R12, R30: Autopilot rights do not depend on DAP
  // R35 without DAP: adding devices, and removing devices the partner added itself.
  if (event.type === 'AutopilotDeviceAdded') return true;
  return event.type === 'AutopilotDeviceRemoved' && addedByThePartner.has(event.data.deviceId);
}

describeOnBothStores('revocations race a partner’s Autopilot commands', (onEsdb) => {
  describe.each(['current', 'dap-required'] as const)('AUTOPILOT_POLICY=%s', (policy) => {
    const app = appForSuite({ onEsdbDouble: onEsdb, env: { AUTOPILOT_POLICY: policy } });
    let store: EventStore;
    let ann: string;
    let customers = 0;

    beforeAll(async () => {
      store = app.app.get<EventStore>(EVENT_STORE);
      ann = await app.token(people.ann);
    });

    const ok = (answer: GraphQLResponse) => {
      expect(answer.errors).toBeUndefined();
      return answer.data;
    };

    /** A new customer with a relationship and DAP, two profiles, its and the partner's devices. */
    async function setUpCustomer() {
      const index = customers++;
      const customer = `customer-${index}`;
      const fay = await app.token(customerAdmin(index));
      const { id } = ok(await app.gql(ann, REQUEST, { customer })).requestResellerRelationship;
      ok(await app.gql(fay, ACCEPT, { id }));
      const profile = async (name: string): Promise<string> =>
        ok(await app.gql(ann, AUTOPILOT.create, { input: { customerTenantId: customer, name } }))
          .createAutopilotProfile.id;
      const add = async (token: string, keys: string[], source?: string): Promise<string[]> =>
        ok(
          await app.gql(token, AUTOPILOT.add, {
            input: {
              customerTenantId: customer,
              source,
              devices: keys.map((productKey) => ({ productKey })),
            },
          }),
        ).addAutopilotDevices.map((device: { id: string }) => device.id);
      const [kept, doomed] = [await profile('Standard'), await profile('Doomed')];
      const own = await add(
        ann,
        Array.from({ length: 8 }, (_, n) => `PK-${index}-own-${n}`),
      );
      const its = await add(
        fay,
        Array.from({ length: 4 }, (_, n) => `PK-${index}-its-${n}`),
        'INTUNE',
      );
      for (const deviceId of own.slice(0, 2)) {
        ok(await app.gql(ann, AUTOPILOT.assign, { input: { deviceId, profileId: kept } }));
      }
      return { index, customer, fay, kept, doomed, own, its };
    }

    /** Two dozen partner commands of every kind, on the customer's registry. */
    function partnerCommands(setup: Awaited<ReturnType<typeof setUpCustomer>>) {
      const { customer, kept, doomed, own, its, index } = setup;
      const create = (n: number) => () =>
        app.gql(ann, AUTOPILOT.create, { input: { customerTenantId: customer, name: `P${n}` } });
      const update = (n: number) => () =>
        app.gql(ann, AUTOPILOT.update, { input: { profileId: kept, name: `Standard ${n}` } });
      const add = (n: number) => () =>
        app.gql(ann, AUTOPILOT.add, {
          input: { customerTenantId: customer, devices: [{ productKey: `PK-${index}-new-${n}` }] },
        });
      const assign = (deviceId: string) => () =>
        app.gql(ann, AUTOPILOT.assign, { input: { deviceId, profileId: kept } });
      const unassign = (deviceId: string) => () =>
        app.gql(ann, AUTOPILOT.unassign, { id: deviceId });
      const remove = (deviceId: string) => () => app.gql(ann, AUTOPILOT.remove, { id: deviceId });
      const deleteDoomed = () => app.gql(ann, AUTOPILOT.delete, { id: doomed });
      const race = [
        create(1),
        assign(own[2]),
        add(1),
        unassign(own[0]),
        update(1),
        remove(own[6]),
        assign(its[0]),
        create(2),
        add(2),
        remove(its[2]),
        update(2),
        assign(own[3]),
        deleteDoomed,
        add(3),
        unassign(own[1]),
        assign(own[4]),
        create(3),
        remove(own[7]),
        update(3),
        assign(its[1]),
        add(4),
        remove(its[3]),
        assign(own[5]),
        create(4),
      ];
      const later = [create(5), update(5), add(5), assign(own[2])];
      return { race, later };
    }

    it.each(['DELEGATED_ADMIN', 'RELATIONSHIP'] as const)(
      'R9, R13, R30, R35: the revocation of %s always succeeds, and nothing the partner decided on the old facts lands after its fence',
      async (revoking) => {
        let racedBeforeTheFence = 0;
        let attemptedAfter = 0;
        for (let round = 0; round < ROUNDS; round++) {
          const setup = await setUpCustomer();
          const registryId = streamIds.autopilot(setup.customer);
          const setUpTo = (await store.readStream(registryId)).at(-1)?.position ?? 0;
          const { race, later } = partnerCommands(setup);
          const revoke = () =>
            revoking === 'DELEGATED_ADMIN'
              ? app.gql(setup.fay, REMOVE_DAP)
              : app.gql(ann, END, { customer: setup.customer });

          // Half the partner's commands in flight, the revocation, the other half; then a few
          // more once the revocation has answered.
          const first = race.slice(0, 12).map((command) => command());
          await new Promise((resolve) => setImmediate(resolve));
          const revocation = revoke();
          const second = race.slice(12).map((command) => command());
          const revoked = await revocation;
          const after = await Promise.all(later.map((command) => command()));
          const answers = [...(await Promise.all([...first, ...second])), ...after];
          attemptedAfter += after.length;

          expect(revoked.errors).toBeUndefined();
          for (const answer of answers) {
            for (const error of answer.errors ?? []) {
              expect(['FORBIDDEN', 'NOT_FOUND']).toContain(error.extensions?.code);
            }
          }

          const registry = readable(await store.readStream(registryId));
          const fence = registry.find(
            (event) =>
              event.type === 'PartnerAccessRevocationStarted' &&
              event.data.partnerTenantId === PARTNER &&
              event.data.revoking === revoking,
          );
          if (!fence) throw new Error(`round ${round}: no ${revoking} fence in ${registryId}`);
          const factStream =
            revoking === 'DELEGATED_ADMIN'
              ? streamIds.dapGrant(PARTNER, setup.customer)
              : streamIds.relationship(PARTNER, setup.customer);
          const revokedAt = (await store.readStream(factStream)).find(
            (event) => event.type === 'DelegatedAdminRemoved' || event.type === 'RelationshipEnded',
          );
          expect(revokedAt?.position).toBeGreaterThan(fence.position);

          const partners = registry.filter(
            (event) =>
              event.type !== 'PartnerAccessRevocationStarted' &&
              'partnerTenantId' in event.data &&
              event.data.partnerTenantId === PARTNER,
          );
          const addedByThePartner = new Set(
            partners
              .filter((event) => event.type === 'AutopilotDeviceAdded')
              .flatMap((event) =>
                event.type === 'AutopilotDeviceAdded' ? [event.data.deviceId] : [],
              ),
          );
          const landedAfter = partners.filter((event) => event.position > fence.position);
          const notAllowed = landedAfter.filter(
            (event) => !mayFollowTheFence(policy, revoking, event, addedByThePartner),
          );
          expect(notAllowed.map((event) => `${event.type} at ${event.position}`)).toEqual([]);
          racedBeforeTheFence += partners.filter(
            (event) => event.position > setUpTo && event.position < fence.position,
          ).length;
        }
        // The race was a race: partner commands landed before the fences, and more came after.
        expect(racedBeforeTheFence).toBeGreaterThan(0);
        expect(attemptedAfter).toBeGreaterThan(0);
      },
    );
  });
});
