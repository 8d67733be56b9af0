import { z } from 'zod';
import type { Actor } from '../domain/shared/actor';

export const tokenClaimsSchema = z.object({
  sub: z.string().min(1),
  name: z.string().min(1),
  tid: z.string().min(1),
  tenant_kind: z.enum(['partner', 'customer', 'operator']),
  tenant_name: z.string().optional(),
  tenant_domain: z.string().optional(),
  roles: z.array(z.string()).default([]),
});

export type TokenClaims = z.input<typeof tokenClaimsSchema>;

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
