import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Settings } from '../config/settings';
import type { Actor } from '../domain/shared/actor';
import { resolveHmacSecret } from './local-secret';
import { actorFromClaims, tokenClaimsSchema } from './token-claims';

export class AuthenticationError extends Error {}

type Key = Uint8Array | JWTVerifyGetKey;

/** Verifies a bearer JWT (signature, algorithm, expiry, issuer, audience) and yields the Actor. */
export class TokenVerifier {
  private constructor(
    private readonly key: Key,
    private readonly options: { algorithms: string[]; issuer?: string; audience?: string },
  ) {}

  static fromSettings(settings: Settings): TokenVerifier {
    if (settings.AUTH_JWKS_URL) {
      return new TokenVerifier(createRemoteJWKSet(new URL(settings.AUTH_JWKS_URL)), {
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384'],
        issuer: settings.AUTH_ISSUER,
        audience: settings.AUTH_AUDIENCE,
      });
    }
    return new TokenVerifier(new TextEncoder().encode(resolveHmacSecret(settings)), {
      algorithms: ['HS256'],
      issuer: settings.AUTH_ISSUER,
      audience: settings.AUTH_AUDIENCE,
    });
  }

  async verify(authorization: string | undefined): Promise<Actor> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token)
      throw new AuthenticationError('A bearer token is required (Authorization: Bearer <jwt>).');
    try {
      const { payload } = await jwtVerify(token, this.key as Uint8Array, {
        ...this.options,
        requiredClaims: ['exp'],
      });
      const claims = tokenClaimsSchema.safeParse(payload);
      if (!claims.success) {
        const fields = claims.error.issues.map((issue) => issue.path.join('.')).join(', ');
        throw new AuthenticationError(`The token lacks valid claims: ${fields}.`);
      }
      return actorFromClaims(claims.data);
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      if (error instanceof errors.JWTExpired)
        throw new AuthenticationError('The token has expired.');
      throw new AuthenticationError('The token is not valid.');
    }
  }
}
