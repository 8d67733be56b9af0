import { PROJECTOR, type Projector } from '../../../src/platform/projection-engine/projector';
import { READ_STORE, type ReadStore } from '../../../src/platform/read-store/read-store';
import { acceptedCustomers, appForSuite } from '../../support/app';
import { people } from '../../support/tenants';

const PAGE = '{ customers(first: 5) { totalCount nodes { tenantId } } }';
const INVITE =
  'mutation { requestResellerRelationship(input: { customerTenantId: "fabrikam" }) { id } }';
const ACCEPT = 'mutation ($id: ID!) { acceptResellerInvitation(invitationId: $id) { since } }';
const REMOVE =
  'mutation { removeDelegatedAdminPrivileges(partnerTenantId: "contoso-partners", confirm: true) { since } }';

describe('an answer is served only from read models that still serve when it leaves', () => {
  const app = appForSuite();

  /**
   * Runs `request` while the `customers` read model stops serving right after ReadSide checked it
   * (as another thread's in-place rebuild, or a failure, commits between the check and the read),
   * then puts it back.
   */
  const withCustomersStoppingAfterTheCheck = async <T>(request: () => Promise<T>): Promise<T> => {
    const projector = app.app.get<Projector>(PROJECTOR);
    const reads = app.app.get<ReadStore>(READ_STORE);
    const whenServing = projector.whenServing.bind(projector);
    let stopped = false;
    const spy = jest.spyOn(projector, 'whenServing').mockImplementation(async (names, timeout) => {
      const previous = await whenServing(names, timeout);
      if (!stopped && names.includes('customers')) {
        stopped = true;
        reads.run("UPDATE projection_checkpoints SET state = 'FAILED' WHERE name = 'customers'");
      }
      return previous;
    });
    try {
      return await request();
    } finally {
      spy.mockRestore();
      reads.run("UPDATE projection_checkpoints SET state = 'LIVE' WHERE name = 'customers'");
    }
  };

  it('R16, R50: a page whose read model stopped serving after the check is NOT_READY, never a page of it', async () => {
    const ann = await app.token(people.ann);
    await acceptedCustomers(app, ann, 2);
    expect((await app.gql(ann, PAGE)).data.customers.totalCount).toBe(2);

    const during = await withCustomersStoppingAfterTheCheck(() => app.gql(ann, PAGE));
    expect(during.data).toBeNull();
    expect(during.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('(customers) stopped serving while it was read'),
        extensions: { code: 'NOT_READY' },
      }),
    ]);
    expect((await app.gql(ann, PAGE)).data.customers.totalCount).toBe(2);
  });

  it('R12, R50: a mutation whose answer read such a read model is NOT_READY, says it was recorded at which position and not to repeat it', async () => {
    const ann = await app.token(people.ann);
    const fay = await app.token(people.fay);
    const invitation = await app.gql(ann, INVITE);
    const accepted = await app.gql(fay, ACCEPT, {
      id: invitation.data.requestResellerRelationship.id,
    });
    expect(accepted.errors).toBeUndefined();

    const removed = await withCustomersStoppingAfterTheCheck(() => app.gql(fay, REMOVE));
    expect(removed.data).toBeNull();
    // Not "try again": a repeat would record the removal twice.
    expect(removed.errors?.[0]).toEqual({
      message: expect.stringMatching(
        /^Your change was recorded \(position \d+\).*Do not repeat it/,
      ),
      extensions: { code: 'NOT_READY', recorded: true, position: expect.any(Number) },
    });
    expect(removed.errors?.[0].message).not.toContain('Try again');
    expect(removed.extensions).toMatchObject({ recorded: true });
    // Recorded: the grant's own stream holds the removal.
    const history = await app.gql(
      fay,
      '{ history(streamId: "dapgrant-contoso-partners_fabrikam") { type } }',
    );
    expect(history.data.history.map(({ type }: { type: string }) => type)).toContain(
      'DelegatedAdminRemoved',
    );
  });
});
