import { invalidInput } from './domain-error';

/**
 * The formats of every id the product accepts, checked where input enters (token claims, GraphQL
 * arguments, the CLI). Stream names are built from these ids (streams.ts); none of the formats
 * allows `_`, the separator of pair streams, so two different ids never make one stream name.
 */

/** Input quoted back in a refusal is cut to this many characters: never echo unbounded input. */
const QUOTE_MAX = 40;

export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > QUOTE_MAX ? `${text.slice(0, QUOTE_MAX)}…` : text);
}

export const TENANT_ID_MAX = 64;
/** Lower-case letters, digits, dots and hyphens; a letter or digit at each end (GUIDs and slugs). */
const TENANT_ID = /^[a-z0-9](?:[a-z0-9.-]{0,62}[a-z0-9])?$/;

/**
 * The one tenant id rule: trimmed and lower-cased (tenant ids are GUIDs, which Azure compares
 * without regard to case), then 1 to 64 of `a-z 0-9 . -`. `Contoso-Partners` and
 * `contoso-partners` are one tenant everywhere: in tokens, inputs, streams and read models.
 */
export function normaliseTenantId(value: string, field = 'tenant id'): string {
  const normalised = value.trim().toLowerCase();
  if (!TENANT_ID.test(normalised)) {
    throw invalidInput(
      `${field} ${quote(value)} is not a tenant id: 1 to ${TENANT_ID_MAX} letters, digits, dots or hyphens, starting and ending with a letter or digit (such as a GUID).`,
    );
  }
  return normalised;
}

export const isTenantId = (value: string): boolean => TENANT_ID.test(value);

/**
 * A tenant id a filter may leave out: absent (null or undefined) is no filter; given, it is
 * checked, and an empty one refused: it is no id, not "any".
 */
export const givenTenantId = (value: string | null | undefined, field: string) =>
  value == null ? undefined : normaliseTenantId(value, field);

/**
 * Tenant ids of the product's own actors: `partner-ledger` (audit sealer, policy lease) and
 * `operator` (GDAP scheduler). What the audit log shows a partner or customer follows the actor's
 * tenant id, so no partner or customer may have one of these (tokens, the CLI's `token`).
 */
export const PRODUCT_TENANT_ID = 'partner-ledger';
export const OPERATOR_TENANT_ID = 'operator';
export const SYSTEM_TENANT_IDS: readonly string[] = [PRODUCT_TENANT_ID, OPERATOR_TENANT_ID];

export const isSystemTenantId = (tenantId: string): boolean => SYSTEM_TENANT_IDS.includes(tenantId);

export const USER_ID_MAX = 128;
/** User ids come from the identity provider (object ids, pairwise subjects): kept as they are. */
const USER_ID = /^[A-Za-z0-9._@:|+=~-]{1,128}$/;

export function checkUserId(value: string, field = 'user id'): string {
  if (!USER_ID.test(value)) {
    throw invalidInput(
      `${field} ${quote(value)} is not a user id: 1 to ${USER_ID_MAX} letters, digits or . _ @ : | + = ~ -.`,
    );
  }
  return value;
}

export const isUserId = (value: string): boolean => USER_ID.test(value);

/**
 * Invitations, subscriptions, role and GDAP access assignments: ids the server made. Autopilot devices and
 * profiles carry their tenant too (autopilot/autopilot-ids.ts).
 */
export type EntityKind = 'invitation' | 'subscription' | 'role assignment' | 'access assignment';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A UUID as `randomUUID()` writes it; upper case is accepted and lower-cased. */
export function normaliseEntityId(value: string, kind: EntityKind): string {
  const normalised = value.trim().toLowerCase();
  if (!UUID.test(normalised)) {
    const article = /^[aeiou]/.test(kind) ? 'an' : 'a';
    throw invalidInput(`${quote(value)} is not ${article} ${kind} id (a UUID).`);
  }
  return normalised;
}
