import { SEALER_ACTOR } from '../../../src/audit/seal';
import { tokenClaimsSchema } from '../../../src/platform/auth/token-claims';
import { mintToken } from '../../../src/platform/auth/token-minter';
import { AuthenticationError, TokenVerifier } from '../../../src/platform/auth/token-verifier';
import { loadSettings } from '../../../src/platform/config/settings';
import { SYSTEM_TENANT_IDS } from '../../../src/platform/domain/ids';
import { people } from '../../support/tenants';

const SECRET = 'token-claims-spec-secret-0123456789abcdef';
const verifier = TokenVerifier.fromSettings(
  loadSettings({ AUTH_SECRET: SECRET, DATA_DIR: '/nonexistent' }),
);
const verify = async (claims: object) =>
  verifier.verify(`Bearer ${await mintToken(SECRET, claims as never, { ttl: 600 })}`);

describe('reserved tenant ids in token claims', () => {
  it('the product’s own actors use the reserved tenant ids', () => {
    expect(SYSTEM_TENANT_IDS).toContain(SEALER_ACTOR.tenantId);
    expect(SYSTEM_TENANT_IDS).toEqual(expect.arrayContaining(['partner-ledger', 'operator']));
  });

  it('a partner or customer token whose tid is a system tenant id is UNAUTHENTICATED, naming tid', async () => {
    for (const [person, tid] of [
      [people.ann, 'partner-ledger'],
      [people.ann, 'operator'],
      [people.fay, 'Operator '],
      [people.fay, 'PARTNER-LEDGER'],
    ] as const) {
      const refused = verify({ ...person, tid });
      await expect(refused).rejects.toThrow(AuthenticationError);
      await expect(refused).rejects.toThrow('The token lacks valid claims: tid.');
      expect(tokenClaimsSchema.safeParse({ ...person, tid }).error?.issues).toEqual([
        expect.objectContaining({
          path: ['tid'],
          message: "reserved for the product's own actors",
        }),
      ]);
    }
  });

  it('the Operator’s tokens may carry them', async () => {
    await expect(verify(people.opal)).resolves.toMatchObject({ tenantId: 'operator' });
    await expect(verify({ ...people.opal, tid: 'partner-ledger' })).resolves.toMatchObject({
      tenantId: 'partner-ledger',
      tenantKind: 'operator',
    });
  });
});
