import { Logger } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Settings } from '../config/settings';
import type { Actor } from '../domain/actor';
import { boundedJwksAgent, isKeySetUnavailable, JWKS_FETCH_BOUNDS } from './jwks-agent';
import { resolveHmacSecret } from './local-secret';
import { actorFromClaims, parseTokenClaims } from './token-claims';
import { type VerifiedToken, VerifiedTokens } from './verified-tokens';

export class AuthenticationError extends Error {}

const logger = new Logger('Auth');
const KEY_SET_WARNING_EVERY_MS = 30_000;

type Key = Uint8Array | JWTVerifyGetKey;

/** Milliseconds since the epoch; the real clock unless a test sets it. */
type NowMs = () => number;

/** Verifies a bearer JWT (signature, algorithm, expiry, issuer, audience) and yields the Actor. */
export class TokenVerifier {
  private readonly verified: VerifiedTokens;
  /** When an outage of the key set was last told to operators. */
  private lastKeySetWarning = -Infinity;

  private constructor(
    private readonly key: Key,
    private readonly options: { algorithms: string[]; issuer?: string; audience?: string },
    private readonly nowMs: NowMs,
  ) {
    this.verified = new VerifiedTokens(undefined, () => Math.floor(nowMs() / 1000));
  }

  static fromSettings(
    settings: Settings,
    nowMs: NowMs = () => Date.now(),
    jwksBounds = JWKS_FETCH_BOUNDS,
  ): TokenVerifier {
    if (settings.AUTH_JWKS_URL) {
      const url = new URL(settings.AUTH_JWKS_URL);
      return new TokenVerifier(
        createRemoteJWKSet(url, {
          agent: boundedJwksAgent(url, jwksBounds),
          timeoutDuration: jwksBounds.deadlineMs,
        }),
        {
          algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384'],
          issuer: settings.AUTH_ISSUER,
          audience: settings.AUTH_AUDIENCE,
        },
        nowMs,
      );
    }
    return new TokenVerifier(
      new TextEncoder().encode(resolveHmacSecret(settings)),
      { algorithms: ['HS256'], issuer: settings.AUTH_ISSUER, audience: settings.AUTH_AUDIENCE },
      nowMs,
    );
  }

  async verify(authorization: string | undefined): Promise<Actor> {
    return (await this.verifyToken(authorization)).actor;
  }

  /** The actor and the token's `exp` (seconds since the epoch), for sockets that outlive a request. */
  async verifyToken(authorization: string | undefined): Promise<VerifiedToken> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token)
      throw new AuthenticationError('A bearer token is required (Authorization: Bearer <jwt>).');
    const known = this.verified.get(token);
    if (known) return known;
    try {
      const { payload } = await jwtVerify(token, this.key as Uint8Array, {
        ...this.options,
        requiredClaims: ['exp'],
        currentDate: new Date(this.nowMs()),
      });
      const parsed = parseTokenClaims(payload);
      if ('invalid' in parsed) {
        throw new AuthenticationError(`The token lacks valid claims: ${parsed.invalid}.`);
      }
      // Frozen: one actor now answers every request that presents this token.
      const actor = actorFromClaims(parsed.claims);
      Object.freeze(actor.roles);
      const verified = { actor: Object.freeze(actor), exp: payload.exp as number };
      this.verified.remember(token, verified.actor, verified.exp);
      return verified;
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      if (error instanceof errors.JWTExpired)
        throw new AuthenticationError('The token has expired.');
      if (typeof this.key === 'function' && isKeySetUnavailable(error)) {
        this.warnKeySetUnavailable(error);
        throw new AuthenticationError(
          'The identity provider’s keys could not be fetched to verify the token; try again shortly.',
        );
      }
      throw new AuthenticationError('The token is not valid.');
    }
  }

  /** An outage of the identity provider, told to operators at most every 30 s (each 401 is info). */
  private warnKeySetUnavailable(error: unknown): void {
    const now = this.nowMs();
    if (now - this.lastKeySetWarning < KEY_SET_WARNING_EVERY_MS) return;
    this.lastKeySetWarning = now;
    logger.warn(
      `The key set at AUTH_JWKS_URL could not be fetched (${error instanceof Error ? error.message : String(error)}): tokens signed with a key not fetched yet are refused until it answers.`,
    );
  }
}
