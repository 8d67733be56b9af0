/**
 * Orders two strings by their UTF-16 code units, as `<` does: what the read models' keys and ids
 * need (SQLite's BINARY order for ASCII), not a locale's.
 */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
