/**
 * The things other than tenants that audit summaries name by the name an earlier event gave them,
 * rather than by their ids: a GDAP relationship by its display name, an access assignment by its
 * group, an Azure subscription by its display name, an Autopilot profile by its name and an
 * Autopilot device by its serial number. Their names are learnt beside the tenants' names, under
 * `<kind>:<id>`: a tenant id (letters, digits, dots and hyphens) never holds a ':', so no key of
 * one can be the other's.
 */
export interface NamedThings {
  relationship: string | null;
  assignment: string | null;
  subscription: string | null;
  profile: string | null;
  device: string | null;
}

type Kind = keyof NamedThings;

/** Event data read loosely: the fields that identify or name a thing. */
interface ThingFields {
  relationshipId?: unknown;
  displayName?: unknown;
  assignmentId?: unknown;
  securityGroupId?: unknown;
  subscriptionId?: unknown;
  profileId?: unknown;
  name?: unknown;
  deviceId?: unknown;
  identity?: { serialNumber?: unknown };
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : null;

/** The key of each thing the data is about, null where it names none of that kind. */
function keysOf(data: ThingFields): Record<Kind, string | null> {
  const relationship = text(data.relationshipId);
  const assignment = text(data.assignmentId);
  const key = (kind: Kind, id: string | null) => (id === null ? null : `${kind}:${id}`);
  return {
    relationship: key('relationship', relationship),
    assignment: key('assignment', relationship && assignment && `${relationship}/${assignment}`),
    subscription: key('subscription', text(data.subscriptionId)),
    profile: key('profile', text(data.profileId)),
    device: key('device', text(data.deviceId)),
  };
}

/**
 * Calls `visit` with each name the data gives a thing: a relationship's display name when created
 * or changed, an assignment's group when created, a subscription's display name, a profile's name
 * when created or updated, a device's serial number when added.
 */
export function visitThingNames(
  data: ThingFields,
  visit: (key: string, name: string) => void,
): void {
  const keys = keysOf(data);
  const learn = (key: string | null, name: unknown) => {
    const known = text(name);
    if (key && known) visit(key, known);
  };
  learn(keys.relationship, data.displayName);
  learn(keys.assignment, data.securityGroupId);
  learn(keys.subscription, data.displayName);
  learn(keys.profile, data.name);
  learn(keys.device, data.identity?.serialNumber);
}

/** The learnt name of each thing the data is about, null where unknown or not named. */
export function thingNamesOf(
  data: ThingFields,
  nameOf: (key: string) => string | null,
): NamedThings {
  const keys = keysOf(data);
  const named = (key: string | null) => (key === null ? null : nameOf(key));
  return {
    relationship: named(keys.relationship),
    assignment: named(keys.assignment),
    subscription: named(keys.subscription),
    profile: named(keys.profile),
    device: named(keys.device),
  };
}
