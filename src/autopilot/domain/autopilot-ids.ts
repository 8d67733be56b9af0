import { invalidInput, notFound } from '../../platform/domain/domain-error';
import { isTenantId, quote, UUID } from '../../platform/domain/ids';

/**
 * Autopilot profile and device ids say which customer tenant's registry holds them, so a command
 * addressed by id alone finds its stream without reading a read model: `<uuid>@<customerTenantId>`,
 * both parts in their canonical forms (ids.ts). The format lives here only.
 */
const SEPARATOR = '@';

export type AutopilotIdKind = 'profile' | 'device';

/** A new id in `customerTenantId`'s registry; `uuid` comes from the caller (the domain is pure). */
export function autopilotId(customerTenantId: string, uuid: string): string {
  if (!UUID.test(uuid)) throw new Error(`An Autopilot id is made of a UUID, not ${uuid}`);
  return `${uuid}${SEPARATOR}${customerTenantId}`;
}

/** The tenant whose registry holds `id`, or null when `id` is not an Autopilot id. */
export function registryTenantOf(id: string): string | null {
  const at = id.indexOf(SEPARATOR);
  if (at < 0) return null;
  const tenant = id.slice(at + SEPARATOR.length);
  return UUID.test(id.slice(0, at)) && isTenantId(tenant) ? tenant : null;
}

/** An Autopilot id as input: trimmed and lower-cased, else INVALID_INPUT quoting it briefly. */
export function normaliseAutopilotId(value: string, kind: AutopilotIdKind): string {
  const id = value.trim().toLowerCase();
  if (registryTenantOf(id) === null) {
    throw invalidInput(`${quote(value)} is not an Autopilot ${kind} id (<uuid>@<tenant id>).`);
  }
  return id;
}

/** As registryTenantOf, for a command: an id that names no registry is one nobody can see. */
export function registryTenantOrNotFound(id: string, kind: AutopilotIdKind): string {
  const tenant = registryTenantOf(id);
  if (tenant === null) throw notFound(`No such Autopilot ${kind}.`);
  return tenant;
}
