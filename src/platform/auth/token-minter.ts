import { SignJWT } from 'jose';
import type { TokenClaims } from './token-claims';

export interface MintOptions {
  /** Seconds, or a jose duration such as '1h'. */
  ttl?: string | number;
  issuer?: string;
  audience?: string;
}

/** Mints a local HS256 token, as the `token` CLI and the tests do. */
export async function mintToken(
  secret: string,
  claims: TokenClaims,
  options: MintOptions = {},
): Promise<string> {
  const { ttl = '1h', issuer, audience } = options;
  const jwt = new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(typeof ttl === 'number' ? Math.floor(Date.now() / 1000) + ttl : ttl);
  if (issuer) jwt.setIssuer(issuer);
  if (audience) jwt.setAudience(audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
