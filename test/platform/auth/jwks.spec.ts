import { Logger } from '@nestjs/common';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type KeyLike, SignJWT } from 'jose';
import { TokenVerifier } from '../../../src/platform/auth/token-verifier';
import { loadSettings } from '../../../src/platform/config/settings';

const ISSUER = 'https://login.example.test/tenant/v2.0';
const AUDIENCE = 'api://partner-ledger';
const BOUNDS = { deadlineMs: 300, maxBytes: 64 * 1024 };

type Answer = 'keys' | 'stall' | 'huge';

/** An identity provider's key set endpoint whose answer a test switches. */
async function keySetServer(keys: JWK[]) {
  let answer: Answer = 'keys';
  const stalled: ServerResponse[] = [];
  let fetches = 0;
  const server: Server = createServer((_request, response) => {
    fetches++;
    response.writeHead(200, { 'content-type': 'application/json' });
    if (answer === 'stall') {
      // The headers, a first byte of the body, then nothing.
      response.write('{');
      stalled.push(response);
    } else if (answer === 'huge') {
      response.end(JSON.stringify({ keys, padding: 'x'.repeat(BOUNDS.maxBytes * 4) }));
    } else {
      response.end(JSON.stringify({ keys }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/keys`,
    answer: (next: Answer) => (answer = next),
    fetches: () => fetches,
    close: () => {
      stalled.forEach((response) => response.destroy());
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('tokens verified against an identity provider’s key set (AUTH_JWKS_URL)', () => {
  let signingKey: KeyLike;
  let publicJwk: JWK;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  });

  const tokenFor = (userId: string, kid = 'k1') =>
    new SignJWT({
      name: userId,
      tid: 'contoso-partners',
      tenant_kind: 'partner',
      roles: ['AdminAgent'],
    })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('1h')
      .sign(signingKey);

  const verifierFor = (url: string) =>
    TokenVerifier.fromSettings(
      loadSettings({
        AUTH_JWKS_URL: url,
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        DATA_DIR: '/nonexistent',
      }),
      undefined,
      BOUNDS,
    );

  it('AUTH_JWKS_URL is https, or http to this machine alone: keys fetched in the clear could be swapped', () => {
    const env = { AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, DATA_DIR: '/nonexistent' };
    for (const url of ['http://login.example.test/keys', 'http://10.0.0.5/keys', 'ftp://x/keys']) {
      expect(() => loadSettings({ ...env, AUTH_JWKS_URL: url })).toThrow(/AUTH_JWKS_URL/);
    }
    for (const url of [
      'https://login.example.test/keys',
      'http://localhost:8080/keys',
      'http://127.0.0.1/keys',
      'http://[::1]:9/keys',
    ]) {
      expect(loadSettings({ ...env, AUTH_JWKS_URL: url }).AUTH_JWKS_URL).toBe(url);
    }
  });

  /** A fresh key-set endpoint and a verifier reading it, for one test; the endpoint closed after. */
  const withProvider = async (
    test: (
      provider: Awaited<ReturnType<typeof keySetServer>>,
      verifier: TokenVerifier,
    ) => Promise<void>,
  ) => {
    const provider = await keySetServer([publicJwk]);
    try {
      await test(provider, verifierFor(provider.url));
    } finally {
      await provider.close();
    }
  };

  it('verifies a token signed with a key of the set', () =>
    withProvider(async (provider, verifier) => {
      await expect(verifier.verify(`Bearer ${await tokenFor('ann')}`)).resolves.toMatchObject({
        userId: 'ann',
        tenantId: 'contoso-partners',
      });
    }));

  it('a key set that stalls after its headers is cut at the deadline, and fetched again once it answers', () =>
    withProvider(async (provider, verifier) => {
      provider.answer('stall');
      const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const started = Date.now();
      await expect(verifier.verify(`Bearer ${await tokenFor('ann')}`)).rejects.toThrow(
        'The identity provider’s keys could not be fetched',
      );
      expect(Date.now() - started).toBeLessThan(BOUNDS.deadlineMs * 10);
      // Operators are told of the outage (each 401 alone is logged at info), once a while.
      await expect(verifier.verify(`Bearer ${await tokenFor('cy')}`)).rejects.toThrow(
        'could not be fetched',
      );
      expect(warned).toHaveBeenCalledTimes(1);
      expect(warned.mock.calls[0][0]).toMatch(/AUTH_JWKS_URL could not be fetched/);
      warned.mockRestore();
      provider.answer('keys');
      const before = provider.fetches();
      await expect(verifier.verify(`Bearer ${await tokenFor('bob')}`)).resolves.toMatchObject({
        userId: 'bob',
      });
      expect(provider.fetches()).toBe(before + 1);
    }));

  it('a token the key set cannot verify is not valid, and no outage is told', () =>
    withProvider(async (provider, verifier) => {
      const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const [header, payload] = (await tokenFor('ann')).split('.');
      await expect(verifier.verify(`Bearer ${header}.${payload}.AAAA`)).rejects.toThrow(
        'The token is not valid.',
      );
      expect(warned).not.toHaveBeenCalled();
      warned.mockRestore();
    }));

  it('a key set larger than the bound is refused, not read whole', () =>
    withProvider(async (provider, verifier) => {
      provider.answer('huge');
      await expect(verifier.verify(`Bearer ${await tokenFor('ann')}`)).rejects.toThrow(
        'could not be fetched',
      );
      provider.answer('keys');
      await expect(verifier.verify(`Bearer ${await tokenFor('ann')}`)).resolves.toMatchObject({
        userId: 'ann',
      });
    }));
});
