import { configure } from 'safe-stable-stringify';

const stringify = configure({ deterministic: true, circularValue: Error, bigint: false });

/** Sorted keys, JSON.stringify's escaping: one text per JSON value, whatever its key order. */
export const canonicalJson = (value: object): string => stringify(value);
