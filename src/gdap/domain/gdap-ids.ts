import { invalidInput, notFound } from '../../platform/domain/domain-error';
import { isTenantId, quote, UUID } from '../../platform/domain/ids';
import { pairStream, singleStream } from '../../platform/domain/streams';

/**
 * A GDAP relationship id says which partner's GDAP stream holds it, so a customer's command
 * addressed by id alone finds the stream: `<uuid>@<partnerTenantId>`.
 */
const SEPARATOR = '@';

/** Every GDAP relationship of one partner lives on one stream (R60: names unique per partner). */
export const gdapStreamId = (partnerTenantId: string): string =>
  singleStream('gdap', partnerTenantId);

/** R70: a customer's requests to end all of a partner's access in its tenant. */
export const partnerAccessStreamId = (partnerTenantId: string, customerTenantId: string): string =>
  pairStream('partneraccess', partnerTenantId, customerTenantId);

export function gdapRelationshipId(partnerTenantId: string, uuid: string): string {
  if (!UUID.test(uuid)) throw new Error(`A GDAP relationship id is made of a UUID, not ${uuid}`);
  return `${uuid}${SEPARATOR}${partnerTenantId}`;
}

/** The partner whose stream holds `id`, or null when `id` is not a GDAP relationship id. */
export function partnerOfRelationshipId(id: string): string | null {
  const at = id.indexOf(SEPARATOR);
  if (at < 0) return null;
  const tenant = id.slice(at + SEPARATOR.length);
  return UUID.test(id.slice(0, at)) && isTenantId(tenant) ? tenant : null;
}

/** An id as input: trimmed and lower-cased, else INVALID_INPUT. */
export function normaliseRelationshipId(value: string): string {
  const id = value.trim().toLowerCase();
  if (partnerOfRelationshipId(id) === null) {
    throw invalidInput(
      `${quote(value)} is not a GDAP relationship id (<uuid>@<partner tenant id>).`,
    );
  }
  return id;
}

export function partnerOfRelationshipOrNotFound(id: string): string {
  const partner = partnerOfRelationshipId(id);
  if (partner === null) throw notFound('No such GDAP relationship.');
  return partner;
}
