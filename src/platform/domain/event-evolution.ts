import type { DomainEvent, EventType } from '../../events';

/** Turns one version's data into the next version's. */
type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

interface TypeSchema {
  /** The version this type is written with now (`EventMetadata.schemaVersion`). */
  version: number;
  /** `upcasters[v]` reads data written as version v as version v + 1. */
  upcasters?: Record<number, Upcaster>;
}

/**
 * Every event type this version knows, with its current schema version. The `Record` makes adding
 * an event to the union without a line here a type error.
 */
export const EVENT_SCHEMAS: Record<EventType, TypeSchema> = {
  InvitationCreated: { version: 1 },
  InvitationEmailEdited: { version: 1 },
  InvitationCancelled: { version: 1 },
  InvitationAccepted: { version: 1 },
  RelationshipEstablished: { version: 1 },
  AzureSubscriptionLinked: { version: 1 },
  RelationshipEnded: { version: 1 },
  DelegatedAdminGranted: { version: 1 },
  DelegatedAdminRemoved: { version: 1 },
  ServiceRequestOpened: { version: 1 },
  PartnerAccessRevocationStarted: { version: 1 },
  AzureSubscriptionProvisioned: { version: 1 },
  AzureSubscriptionRegistered: { version: 1 },
  SubscriptionRoleAssigned: { version: 1 },
  SubscriptionRoleAssignmentRemoved: { version: 1 },
  AzureSubscriptionCancelled: { version: 1 },
  AutopilotProfileCreated: { version: 1 },
  AutopilotProfileUpdated: { version: 1 },
  AutopilotProfileDeleted: {
    version: 2,
    // Version 1 named no devices: the registry did not exist, and readers cleared by profile id.
    upcasters: { 1: (data) => ({ ...data, unassignedDeviceIds: [] }) },
  },
  AutopilotDeviceAdded: { version: 1 },
  AutopilotProfileAssigned: { version: 1 },
  AutopilotProfileUnassigned: { version: 1 },
  AutopilotDeviceRemoved: { version: 1 },
  AuditSealed: { version: 1 },
};

export const isKnownEventType = (type: string): type is EventType =>
  Object.hasOwn(EVENT_SCHEMAS, type);

/** The schema version to record an event of `type` with. */
export const schemaVersionOf = (type: EventType): number => EVENT_SCHEMAS[type].version;

/** A stored event as this version reads it: upcast to the current schema, or why it cannot be. */
export type EventReading =
  | { readable: true; event: DomainEvent }
  | { readable: false; reason: 'UNKNOWN_TYPE' | 'UNKNOWN_VERSION' | 'NO_UPCASTER' };

/**
 * Reads stored data written by this or an older version of the product: older schema versions are
 * upcast step by step. A type or version this version does not know (written by a newer one, or by
 * hand) is unreadable: callers skip it, so it never blocks a stream or a projection.
 */
export function readEvent(
  type: string,
  schemaVersion: number | undefined,
  data: unknown,
): EventReading {
  if (!isKnownEventType(type)) return { readable: false, reason: 'UNKNOWN_TYPE' };
  const schema = EVENT_SCHEMAS[type];
  const written = schemaVersion ?? 1;
  if (!Number.isInteger(written) || written < 1 || written > schema.version) {
    return { readable: false, reason: 'UNKNOWN_VERSION' };
  }
  let current = data as Record<string, unknown>;
  for (let version = written; version < schema.version; version++) {
    const upcast = schema.upcasters?.[version];
    if (!upcast) return { readable: false, reason: 'NO_UPCASTER' };
    current = upcast(current);
  }
  return { readable: true, event: { type, data: current } as DomainEvent };
}
