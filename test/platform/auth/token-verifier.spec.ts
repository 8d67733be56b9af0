import { mintToken } from '../../../src/platform/auth/token-minter';
import { TokenVerifier } from '../../../src/platform/auth/token-verifier';
import { VerifiedTokens } from '../../../src/platform/auth/verified-tokens';
import { loadSettings } from '../../../src/platform/config/settings';
import type { Actor } from '../../../src/platform/domain/actor';
import { people } from '../../support/tenants';

const SECRET = 'token-verifier-spec-secret-0123456789abcdef';
const settings = loadSettings({ AUTH_SECRET: SECRET, DATA_DIR: '/nonexistent' });

/** A verifier whose clock the test sets, in seconds since the epoch. */
function verifierAt(start: number) {
  const clock = { seconds: start };
  return { clock, verifier: TokenVerifier.fromSettings(settings, () => clock.seconds * 1000) };
}

const expOf = (token: string): number =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).exp;

describe('TokenVerifier', () => {
  it('a token it verified before is refused once it has expired', async () => {
    const token = await mintToken(SECRET, people.ann, { ttl: 600 });
    const exp = expOf(token);
    const { clock, verifier } = verifierAt(exp - 600);
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ userId: 'ann' });
    clock.seconds = exp - 1;
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ userId: 'ann' });
    clock.seconds = exp;
    await expect(verifier.verify(`Bearer ${token}`)).rejects.toThrow('The token has expired.');
  });

  it('refuses a token that expired before it was first presented', async () => {
    const token = await mintToken(SECRET, people.ann, { ttl: 60 });
    const { verifier } = verifierAt(expOf(token) + 1);
    await expect(verifier.verify(`Bearer ${token}`)).rejects.toThrow('The token has expired.');
  });

  it('refuses a forged token every time, also after the genuine one was verified', async () => {
    const token = await mintToken(SECRET, people.ann, { ttl: 600 });
    const { verifier } = verifierAt(expOf(token) - 600);
    await verifier.verify(`Bearer ${token}`);
    const forged = `${token.slice(0, -4)}AAAA`;
    for (let attempt = 0; attempt < 2; attempt++)
      await expect(verifier.verify(`Bearer ${forged}`)).rejects.toThrow('The token is not valid.');
    const otherSecret = await mintToken(`${SECRET}-other`, people.ann, { ttl: 600 });
    await expect(verifier.verify(`Bearer ${otherSecret}`)).rejects.toThrow(
      'The token is not valid.',
    );
  });

  /** Fay's token with `claims` over hers, verified now. */
  const verifyFayWith = async (claims: object) => {
    const { verifier } = verifierAt(Math.floor(Date.now() / 1000));
    const token = await mintToken(SECRET, { ...people.fay, ...claims }, { ttl: 600 });
    return verifier.verify(`Bearer ${token}`);
  };
  /** Each claim's value makes the token refused, naming that claim. */
  const expectRefused = async (cases: readonly (readonly [string, unknown])[]) => {
    for (const [claim, value] of cases) {
      await expect(verifyFayWith({ [claim]: value })).rejects.toThrow(
        `The token lacks valid claims: ${claim}.`,
      );
    }
  };

  it('R60: refuses a token whose names, shown to other tenants, hold a control or text-direction character', async () => {
    await expectRefused([
      ['tenant_name', 'Evil\u202eName'],
      ['tenant_name', 'Fabrikam\ttab'],
      ['name', 'Fay\u2066'],
      ['tenant_domain', 'fabrikam.onmicrosoft.com\n'],
      // Audit summaries name the actor's roles ("Ann (Contoso Partners, AdminAgent)").
      ['roles', ['GlobalAdmin', '\u202eNIMDA\nFAKE']],
    ]);
    await expect(verifyFayWith({ tenant_name: 'Fabrikam Ü 日本 🚀' })).resolves.toMatchObject({
      tenantName: 'Fabrikam Ü 日本 🚀',
    });
  });

  it('R41: refuses a token whose user or tenant name shows nothing: audit entries name who acted by it', async () => {
    await expectRefused([
      ['name', ''],
      ['name', '   '],
      ['name', '\u200b'],
      ['tenant_name', '\u3164 \u2060'],
    ]);
    await expect(verifyFayWith({ name: ' Fay ' })).resolves.toMatchObject({ name: ' Fay ' });
  });

  it('answers a token presented again with the same actor, which no request can change', async () => {
    const token = await mintToken(SECRET, people.fay, { ttl: 600 });
    const { verifier } = verifierAt(expOf(token) - 600);
    const first = await verifier.verify(`Bearer ${token}`);
    const again = await verifier.verify(`Bearer ${token}`);
    expect(again).toEqual({
      userId: 'fay',
      name: 'Fay',
      tenantId: 'fabrikam',
      tenantKind: 'customer',
      tenantName: 'Fabrikam',
      tenantDomain: 'fabrikam.onmicrosoft.com',
      roles: ['GlobalAdmin'],
    });
    expect(again).toBe(first);
    expect(() => first.roles.push('Operator')).toThrow(TypeError);
    expect(() => Object.assign(first, { tenantId: 'contoso-partners' })).toThrow(TypeError);
  });
});

describe('VerifiedTokens', () => {
  const actor = (userId: string): Actor => ({
    userId,
    name: userId,
    tenantId: 't',
    tenantKind: 'partner',
    roles: [],
  });

  it('keeps at most its capacity, dropping the oldest first', () => {
    const tokens = new VerifiedTokens(2, () => 100);
    tokens.remember('a', actor('a'), 200);
    tokens.remember('b', actor('b'), 200);
    tokens.remember('c', actor('c'), 200);
    expect(tokens.get('a')).toBeUndefined();
    expect(tokens.get('b')?.actor.userId).toBe('b');
    expect(tokens.get('c')?.actor.userId).toBe('c');
  });

  it('forgets a token at its exp, as jose would refuse it then', () => {
    let now = 199;
    const tokens = new VerifiedTokens(10, () => now);
    tokens.remember('a', actor('a'), 200);
    expect(tokens.get('a')?.actor.userId).toBe('a');
    now = 200;
    expect(tokens.get('a')).toBeUndefined();
    now = 199;
    expect(tokens.get('a')).toBeUndefined();
  });
});
