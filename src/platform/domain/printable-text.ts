/** Control characters, and the bidirectional controls that make a name read as another. */
const UNPRINTABLE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/**
 * Whether `value` holds no control or text-direction character: what a name shown to another
 * tenant (pages, audit summaries) may hold (R60).
 */
export const isPrintable = (value: string): boolean => !UNPRINTABLE.test(value);
