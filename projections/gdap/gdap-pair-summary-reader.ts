import { decodePairSummary, type GdapPairSummary } from './gdap-pair-summary';

/** Turns a pair's stored summary text (gdap_pair_summaries.relationships) into its summary. */
export type PairSummaryDecoder = (
  partnerTenantId: string,
  customerTenantId: string,
  text: string,
) => GdapPairSummary;

/**
 * How much stored text a reader keeps decoded, in characters: about 10,000 pairs of one
 * relationship (370 characters of text, about 2 KB decoded). A pair's summary grows with its
 * relationships, so the cap counts text, not pairs.
 */
export const PAIR_SUMMARY_CHARACTERS_KEPT = 4_000_000;

interface Decoded {
  text: string;
  summary: GdapPairSummary;
}

/** Freezes `value` and everything it holds that is not frozen yet (shared role lists are). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const held of Object.values(value)) deepFreeze(held);
  }
  return value;
}

/**
 * The pair summaries the Customers page reads from one read store, decoded (decodePairSummary)
 * and kept per (partner, customer) with the text they came from: a row whose text is the same
 * string reuses the kept summary, any other text is decoded and replaces it. The stored text is
 * the truth, so nothing kept can be stale, and whichever version wrote it (version 4 while 5
 * builds, 5 after the switch) is decoded as its own form: texts of two forms never compare equal.
 * Each read store's queries own their reader (CustomersQueries), so stores never share one.
 * Kept summaries are served to every page that reads the same text, so they are frozen.
 *
 * At most `capacity` characters of text are kept: past it, the oldest kept pair of the partner
 * kept longest goes first; a text longer than the whole capacity is decoded and not kept. Kept by
 * partner, then customer: two lookups of the row's own strings cost less than building one key per
 * row (a page reads 50).
 */
export class PairSummaryReader {
  private readonly byPartner = new Map<string, Map<string, Decoded>>();
  private kept = 0;
  private keptCharacters = 0;

  constructor(private readonly capacity: number = PAIR_SUMMARY_CHARACTERS_KEPT) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `A pair-summary reader keeps at least one character of text, not ${capacity}.`,
      );
    }
  }

  /** How many pairs are kept decoded. */
  get size(): number {
    return this.kept;
  }

  /** How many characters of stored text the kept pairs came from. */
  get characters(): number {
    return this.keptCharacters;
  }

  readonly decode: PairSummaryDecoder = (partnerTenantId, customerTenantId, text) => {
    let customers = this.byPartner.get(partnerTenantId);
    const decoded = customers?.get(customerTenantId);
    if (decoded?.text === text) return decoded.summary;
    const summary = decodePairSummary(partnerTenantId, customerTenantId, text);
    if (decoded) this.forget(partnerTenantId, customerTenantId, decoded);
    if (text.length > this.capacity) return summary;
    while (this.keptCharacters + text.length > this.capacity) this.evictOldest();
    customers = this.byPartner.get(partnerTenantId);
    if (!customers) this.byPartner.set(partnerTenantId, (customers = new Map<string, Decoded>()));
    customers.set(customerTenantId, { text, summary: deepFreeze(summary) });
    this.kept++;
    this.keptCharacters += text.length;
    return summary;
  };

  private evictOldest(): void {
    const [partnerTenantId, customers] = this.byPartner.entries().next().value!;
    const [customerTenantId, decoded] = customers.entries().next().value!;
    this.forget(partnerTenantId, customerTenantId, decoded);
  }

  private forget(partnerTenantId: string, customerTenantId: string, decoded: Decoded): void {
    const customers = this.byPartner.get(partnerTenantId)!;
    customers.delete(customerTenantId);
    if (customers.size === 0) this.byPartner.delete(partnerTenantId);
    this.kept--;
    this.keptCharacters -= decoded.text.length;
  }
}
