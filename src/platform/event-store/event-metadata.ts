import { isObject } from '../common/is-object';
import type { TenantKind } from '../domain/actor';
import type { EventMetadata } from './event-store';

const TENANT_KINDS: readonly TenantKind[] = ['partner', 'customer', 'operator'];

const isText = (value: unknown): value is string => typeof value === 'string';

function actorProblem(actor: unknown): string | undefined {
  if (!isObject(actor)) return 'actor is not an object';
  if (!isText(actor.userId)) return 'actor.userId is not text';
  if (!isText(actor.name)) return 'actor.name is not text';
  if (!isText(actor.tenantId)) return 'actor.tenantId is not text';
  if (!TENANT_KINDS.includes(actor.tenantKind as TenantKind)) {
    return `actor.tenantKind is not one of ${TENANT_KINDS.join(', ')}`;
  }
  const { roles } = actor;
  if (!Array.isArray(roles) || !roles.every(isText)) return 'actor.roles is not a list of text';
  return undefined;
}

/**
 * Why stored metadata is not an event's metadata (EventMetadata), or undefined when it is: what
 * every reader of an event takes for granted (who, when, which correlation) is checked once where
 * the stores read it, so JSON of another shape is marked like JSON that does not parse instead of
 * failing, or being misread, wherever it is met. Fields it does not know are left as they are.
 */
export function metadataProblem(metadata: unknown): string | undefined {
  if (!isObject(metadata)) return 'it is not an object';
  const { correlationId, causationId, occurredAt, schemaVersion } = metadata;
  if (!isText(correlationId)) return 'correlationId is not text';
  if (!isText(causationId)) return 'causationId is not text';
  if (!isText(occurredAt) || Number.isNaN(Date.parse(occurredAt))) {
    return 'occurredAt is not a date and time';
  }
  if (
    schemaVersion !== undefined &&
    !(Number.isSafeInteger(schemaVersion) && (schemaVersion as number) > 0)
  ) {
    return 'schemaVersion is not a positive integer';
  }
  return actorProblem(metadata.actor);
}

/** Whether stored metadata is an event's metadata (metadataProblem finds nothing). */
export const isEventMetadata = (metadata: unknown): metadata is EventMetadata =>
  metadataProblem(metadata) === undefined;

/** How an event whose metadata is not an event's is marked (RecordedEvent.malformedMetadata). */
export const metadataReason = (metadata: unknown): string =>
  `stored metadata is not an event’s metadata: ${metadataProblem(metadata)}`;

/** The metadata a reader gets when the stored metadata cannot be read: nothing of it. */
export const NO_METADATA = Object.freeze({}) as EventMetadata;
