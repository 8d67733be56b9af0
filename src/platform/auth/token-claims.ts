import { z } from 'zod';
import type { Actor } from '../domain/actor';
import { isSystemTenantId, isTenantId, isUserId } from '../domain/ids';
import { hasMoreCharactersThan, isPrintable, showsAnything } from '../domain/printable-text';

/** Well-formed Unicode (no lone surrogates) of at most `max` characters: what events may hold. */
const text = (max: number) =>
  z
    .string()
    .refine((value) => !hasMoreCharactersThan(value, max), `more than ${max} characters`)
    .refine((value) => value.isWellFormed(), 'not well-formed Unicode');

/** A name the product shows to other tenants (pages, audit summaries): printable text. */
const shownName = (max: number) =>
  text(max).refine(isPrintable, 'holds a control or text-direction character');

/** A name that tells who acted (audit entries): one that shows nothing would name nobody. */
const visibleName = (max: number) => shownName(max).refine(showsAnything, 'shows nothing');

export const tokenClaimsSchema = z
  .object({
    sub: z.string().refine(isUserId, 'not a user id'),
    name: visibleName(200),
    // The one tenant id rule (ids.ts): trimmed and lower-cased, then checked.
    tid: z
      .string()
      .transform((value) => value.trim().toLowerCase())
      .refine(isTenantId, 'not a tenant id'),
    tenant_kind: z.enum(['partner', 'customer', 'operator']),
    tenant_name: visibleName(200).optional(),
    tenant_domain: shownName(253).optional(),
    roles: z.array(shownName(64)).max(50).default([]),
  })
  .refine((claims) => claims.tenant_kind === 'operator' || !isSystemTenantId(claims.tid), {
    path: ['tid'],
    message: "reserved for the product's own actors",
  });

export type TokenClaims = z.input<typeof tokenClaimsSchema>;

/** The claims of a token's payload, or the paths of those that are not valid ("name, roles.1"). */
export function parseTokenClaims(
  payload: unknown,
): { claims: z.output<typeof tokenClaimsSchema> } | { invalid: string } {
  const parsed = tokenClaimsSchema.safeParse(payload);
  return parsed.success
    ? { claims: parsed.data }
    : { invalid: parsed.error.issues.map((issue) => issue.path.join('.')).join(', ') };
}

export function actorFromClaims(claims: z.output<typeof tokenClaimsSchema>): Actor {
  return {
    userId: claims.sub,
    name: claims.name,
    tenantId: claims.tid,
    tenantKind: claims.tenant_kind,
    ...(claims.tenant_name ? { tenantName: claims.tenant_name } : {}),
    ...(claims.tenant_domain ? { tenantDomain: claims.tenant_domain } : {}),
    roles: claims.roles,
  };
}
