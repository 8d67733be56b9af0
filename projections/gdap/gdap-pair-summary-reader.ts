import type { SqlRunner } from '../../src/platform/read-store/read-store';
import { decodePairSummary, type GdapPairSummary } from './gdap-pair-summary';

/**
 * How much stored text a reader keeps decoded, in characters: about 10,000 pairs of one
 * relationship (370 characters of text, about 2 KB decoded). A pair's summary grows with its
 * relationships, so the cap counts text, not pairs; a customer kept as having none counts its id.
 */
export const PAIR_SUMMARY_CHARACTERS_KEPT = 4_000_000;

interface StoredSummary {
  customer_tenant_id: string;
  relationships: string;
}

/** The stored summaries (gdap_pair_summaries) of the partner's pairs with `customerTenantIds`. */
function storedPairSummaries(
  db: SqlRunner,
  partnerTenantId: string,
  customerTenantIds: readonly string[],
): StoredSummary[] {
  if (customerTenantIds.length === 0) return [];
  return db.all<StoredSummary>(
    `SELECT customer_tenant_id, relationships FROM gdap_pair_summaries
     WHERE partner_tenant_id = ? AND customer_tenant_id IN (SELECT value FROM json_each(?))`,
    [partnerTenantId, JSON.stringify(customerTenantIds)],
  );
}

/**
 * The summary of the partner's relationships with each of `customerTenantIds` that has any (R16,
 * R67), read and decoded now, nothing kept.
 */
export function readPairSummaries(
  db: SqlRunner,
  partnerTenantId: string,
  customerTenantIds: readonly string[],
): Map<string, GdapPairSummary> {
  const found = new Map<string, GdapPairSummary>();
  for (const row of storedPairSummaries(db, partnerTenantId, customerTenantIds)) {
    found.set(
      row.customer_tenant_id,
      decodePairSummary(partnerTenantId, row.customer_tenant_id, row.relationships),
    );
  }
  return found;
}

/**
 * What a partner's summaries are as of: the read store's schema version (a version of
 * gdap-relationships going live renames its tables, which moves it) and the partner's count of
 * summary writes. Null while the live version counts none (before version 8).
 */
interface Generation {
  schema: number;
  changes: number;
}

/** The partner's kept summaries (null: the pair has none), valid while its generation holds. */
interface KeptPartner extends Generation {
  customers: Map<string, { summary: GdapPairSummary | null; characters: number }>;
  characters: number;
}

/** Freezes `value` and everything it holds that is not frozen yet (shared role lists are). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const held of Object.values(value)) deepFreeze(held);
  }
  return value;
}

const isMissingChangesTable = (error: unknown) =>
  String(error).includes('no such table: gdap_partner_changes');

/**
 * The pair summaries the Customers page reads from one read store, decoded (decodePairSummary) and
 * kept per partner, then customer, with whether the pair has none: a page asks one question per
 * partner (its generation) and reads no summary row while the partner's count of changes
 * (gdap_partner_changes, written in the transaction that rewrites a summary) and the schema are
 * as they were (the page once joined them by primary key: 50 seeks a page).
 * Any change of the count forgets the partner's kept summaries; the generation is read before the
 * rows it keeps, so a row newer than the generation is kept under it and forgotten at the next
 * change, never an older one served as current. While the live version counts no changes (version
 * 7 serves while 8 builds), summaries are read and decoded on every page (readPairSummaries), and
 * none is kept.
 *
 * At most `capacity` characters of text are kept: past it, the oldest kept pair of the partner kept
 * longest goes first. Each read store's queries own their reader (CustomersQueries). Kept
 * summaries are served to every page that reads them, so they are frozen.
 */
export class PairSummaryReader {
  private readonly byPartner = new Map<string, KeptPartner>();
  private kept = 0;
  private keptCharacters = 0;

  constructor(
    private readonly db: SqlRunner,
    private readonly capacity: number = PAIR_SUMMARY_CHARACTERS_KEPT,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `A pair-summary reader keeps at least one character of text, not ${capacity}.`,
      );
    }
  }

  /** How many pairs are kept (with a summary or as having none). */
  get size(): number {
    return this.kept;
  }

  /** How many characters the kept pairs count against the capacity. */
  get characters(): number {
    return this.keptCharacters;
  }

  /** The summaries of the partner's pairs with `customerTenantIds` that have GDAP (R16, R67). */
  summariesOf(
    partnerTenantId: string,
    customerTenantIds: readonly string[],
  ): Map<string, GdapPairSummary> {
    const generation = this.generationOf(partnerTenantId);
    if (!generation) return readPairSummaries(this.db, partnerTenantId, customerTenantIds);
    const found = new Map<string, GdapPairSummary>();
    let partner = this.byPartner.get(partnerTenantId);
    if (
      partner &&
      (partner.schema !== generation.schema || partner.changes !== generation.changes)
    ) {
      this.forgetPartner(partnerTenantId, partner);
      partner = undefined;
    }
    if (generation.changes === 0) return found;
    const missing: string[] = [];
    for (const customerTenantId of customerTenantIds) {
      const kept = partner?.customers.get(customerTenantId);
      if (!kept) missing.push(customerTenantId);
      else if (kept.summary) found.set(customerTenantId, kept.summary);
    }
    for (const row of storedPairSummaries(this.db, partnerTenantId, missing)) {
      const { customer_tenant_id: customerTenantId, relationships: text } = row;
      const summary = deepFreeze(decodePairSummary(partnerTenantId, customerTenantId, text));
      found.set(customerTenantId, summary);
      this.keep(partnerTenantId, generation, customerTenantId, summary, text.length);
    }
    for (const customerTenantId of new Set(missing)) {
      if (found.has(customerTenantId)) continue;
      this.keep(partnerTenantId, generation, customerTenantId, null, customerTenantId.length);
    }
    return found;
  }

  private generationOf(partnerTenantId: string): Generation | null {
    try {
      const row = this.db.get<{ schema: number; changes: number | null }>(
        `SELECT (SELECT schema_version FROM pragma_schema_version()) AS schema,
           (SELECT changes FROM gdap_partner_changes WHERE partner_tenant_id = ?) AS changes`,
        [partnerTenantId],
      )!;
      return { schema: row.schema, changes: row.changes ?? 0 };
    } catch (error) {
      if (isMissingChangesTable(error)) return null;
      throw error;
    }
  }

  private keep(
    partnerTenantId: string,
    generation: Generation,
    customerTenantId: string,
    summary: GdapPairSummary | null,
    characters: number,
  ): void {
    if (characters > this.capacity) return;
    while (this.keptCharacters + characters > this.capacity) this.evictOldest();
    let partner = this.byPartner.get(partnerTenantId);
    if (!partner) {
      partner = { ...generation, customers: new Map(), characters: 0 };
      this.byPartner.set(partnerTenantId, partner);
    }
    partner.customers.set(customerTenantId, { summary, characters });
    partner.characters += characters;
    this.kept++;
    this.keptCharacters += characters;
  }

  private evictOldest(): void {
    const [partnerTenantId, partner] = this.byPartner.entries().next().value!;
    const [customerTenantId, kept] = partner.customers.entries().next().value!;
    partner.customers.delete(customerTenantId);
    partner.characters -= kept.characters;
    this.kept--;
    this.keptCharacters -= kept.characters;
    if (partner.customers.size === 0) this.byPartner.delete(partnerTenantId);
  }

  private forgetPartner(partnerTenantId: string, partner: KeptPartner): void {
    this.byPartner.delete(partnerTenantId);
    this.kept -= partner.customers.size;
    this.keptCharacters -= partner.characters;
  }
}
