import { createHash } from 'node:crypto';
import type { DeviceIdentity, DeviceKeyKind } from './events';
import { asSeen, hasMoreCharactersThan, isPrintable } from '../../platform/domain/printable-text';

/** A device as the caller typed it: any field may be missing, null or blank. */
export type DeviceIdentityInput = { [Field in keyof DeviceIdentity]?: string | null };

const FIELDS = ['hardwareHash', 'productKey', 'serialNumber', 'manufacturer', 'model'] as const;

/** A 4K hardware hash is about 4,000 base64 characters; the rest are short labels. */
const MAX_LENGTH: Record<keyof DeviceIdentity, number> = {
  hardwareHash: 16_384,
  productKey: 256,
  serialNumber: 256,
  manufacturer: 256,
  model: 256,
};

const FIELD_LABEL: Record<keyof DeviceIdentity, string> = {
  hardwareHash: 'hardware hash',
  productKey: 'product key',
  serialNumber: 'serial number',
  manufacturer: 'manufacturer',
  model: 'model',
};

export const KEY_LABEL: Record<DeviceKeyKind, string> = {
  HARDWARE_HASH: 'hardware hash',
  PRODUCT_KEY: 'product key',
  SERIAL_MANUFACTURER_MODEL: 'serial number + manufacturer + model',
};

/**
 * Blank fields count as absent; the spaces around a value (a pasted line's) are not part of it.
 * Compatibility forms read as the characters they stand for (full-width `ＳＮ１` is `SN1`, NFKC), so
 * they cannot pass a known device off as new; case is kept, since identifiers are case-sensitive.
 */
export function normaliseIdentity(input: DeviceIdentityInput): DeviceIdentity {
  const identity: DeviceIdentity = {};
  for (const field of FIELDS) {
    const value = input[field]?.normalize('NFKC').trim();
    if (value) identity[field] = value;
  }
  return identity;
}

/**
 * R33: hardware hash (alone or with product key and/or serial number), product key, or serial
 * number + manufacturer + model. Other fields may accompany an accepted set.
 */
export function hasAcceptedIdentifierSet(identity: DeviceIdentity): boolean {
  return Boolean(
    identity.hardwareHash ||
    identity.productKey ||
    (identity.serialNumber && identity.manufacturer && identity.model),
  );
}

/** What is wrong with one device's identifiers, for people (empty: nothing). */
export function identityProblems(identity: DeviceIdentity): string[] {
  const problems: string[] = [];
  if (!hasAcceptedIdentifierSet(identity)) {
    const given = FIELDS.filter((field) => identity[field]).map((field) => FIELD_LABEL[field]);
    problems.push(
      `needs a hardware hash, a product key, or serial number + manufacturer + model; it has ${
        given.length ? given.join(', ') : 'no identifier'
      }`,
    );
  }
  for (const field of FIELDS) {
    const value = identity[field];
    if (value && hasMoreCharactersThan(value, MAX_LENGTH[field])) {
      problems.push(`its ${FIELD_LABEL[field]} is longer than ${MAX_LENGTH[field]} characters`);
    }
    // Lists and one-line audit summaries show it: it must read as what it is.
    if (value && !isPrintable(value)) {
      problems.push(`its ${FIELD_LABEL[field]} holds a control or text-direction character`);
    } else if (value && asSeen(value) !== value) {
      // A label holds none: one would make a known device read as itself yet count as new.
      problems.push(
        `its ${FIELD_LABEL[field]} holds an invisible character (a zero-width space, say)`,
      );
    }
  }
  return problems;
}

export interface DeviceKey {
  kind: DeviceKeyKind;
  /** SHA-256 of the identifier: what the registry keeps, however long a hardware hash is. */
  digest: string;
}

const sha256Of = (parts: readonly string[]): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex');

/** R33: the identifiers a duplicate is recognised by within one tenant. */
export function deviceKeys(identity: DeviceIdentity): DeviceKey[] {
  const keys: { kind: DeviceKeyKind; parts: string[] }[] = [];
  if (identity.hardwareHash) keys.push({ kind: 'HARDWARE_HASH', parts: [identity.hardwareHash] });
  if (identity.productKey) keys.push({ kind: 'PRODUCT_KEY', parts: [identity.productKey] });
  if (identity.serialNumber && identity.manufacturer && identity.model) {
    keys.push({
      kind: 'SERIAL_MANUFACTURER_MODEL',
      parts: [identity.serialNumber, identity.manufacturer, identity.model],
    });
  }
  return keys.map(({ kind, parts }) => ({ kind, digest: sha256Of([kind, ...parts]) }));
}

/** A short name for a device in messages: its serial number, product key or hash prefix. */
export function describeDevice(identity: DeviceIdentity): string {
  if (identity.serialNumber) return `serial number ${identity.serialNumber}`;
  if (identity.productKey) return `product key ${identity.productKey}`;
  if (identity.hardwareHash) return `hardware hash ${identity.hardwareHash.slice(0, 12)}…`;
  return 'without identifiers';
}
