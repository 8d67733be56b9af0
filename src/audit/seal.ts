import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson as canonical } from '../platform/domain/canonical-json';
import { z } from 'zod';
import type { Actor } from '../platform/domain/actor';
import type {
  EventMetadata,
  EventStore,
  NewEvent,
  RecordedEvent,
} from '../platform/event-store/event-store';
import { PRODUCT_TENANT_ID } from '../platform/domain/ids';

/**
 * Seals anchor the audit chain in the event store itself: seal n says "the events in positions
 * (from, through] are these, in this order", is chained to seal n-1 and signed with a key that
 * whoever can write the store's files does not have. See AuditSealer and verifySeals.
 */

/** The one stream of seals, appended at its expected revision, so two sealers never fork it. */
export const SEAL_STREAM = 'auditseal-chain';

/**
 * The positions with no event between `after` and `position`, where the store's positions are
 * dense (the embedded store: never skipped, so one left empty held an event that was removed).
 */
export function emptiedBefore(
  store: Pick<EventStore, 'positionsIssued'>,
  position: number,
  after: number,
): { from: number; to: number } | undefined {
  if (!store.positionsIssued || position <= after + 1) return undefined;
  return { from: after + 1, to: position - 1 };
}
export const SEAL_EVENT_TYPE = 'AuditSealed';
/** The previous seal's hash as the first seal states it. */
export const GENESIS_SEAL_HASH = '0'.repeat(64);
/** Leading bytes of each event's hash a seal keeps, so verify can say which events changed. */
const DIGEST_BYTES = 4;

/** Who appends seals: not a person, and no partner's or customer's (operator-only in the audit log). */
export const SEALER_ACTOR: Actor = {
  userId: 'audit-sealer',
  name: 'Audit sealer',
  tenantId: PRODUCT_TENANT_ID,
  tenantKind: 'operator',
  tenantName: PRODUCT_TENANT_ID,
  roles: [],
};

/**
 * sha256 over one event exactly as the store's readAll returns it (stored data and metadata, not
 * an upcast form), all but its position, which the range hash adds: a digest that ignores the
 * position lets verify recognise an event that only moved.
 */
function contentHash(event: RecordedEvent): Buffer {
  return createHash('sha256')
    .update(
      canonical({
        id: event.id,
        streamId: event.streamId,
        revision: event.revision,
        created: event.created.getTime(),
        type: event.type,
        data: event.data,
        metadata: event.metadata,
      }),
    )
    .digest();
}

export interface RangeDigest {
  count: number;
  /** sha256 over each event's position and content hash, in position order. */
  eventsHash: string;
  /** base64 of the first DIGEST_BYTES of each event's content hash, in position order. */
  digests: string;
}

/** Folds the events of one range, in position order, into what a seal states about them. */
export class RangeHasher {
  private readonly hash = createHash('sha256');
  private readonly prefixes: Buffer[] = [];

  /** Adds the next event; answers its short digest (hex), as `digestList` spells them. */
  add(event: RecordedEvent): string {
    const content = contentHash(event);
    this.hash.update(`${event.position}:`).update(content);
    const prefix = content.subarray(0, DIGEST_BYTES);
    this.prefixes.push(prefix);
    return prefix.toString('hex');
  }

  get count(): number {
    return this.prefixes.length;
  }

  digest(): RangeDigest {
    return {
      count: this.prefixes.length,
      eventsHash: this.hash.copy().digest('hex'),
      digests: Buffer.concat(this.prefixes).toString('base64'),
    };
  }
}

/** A seal's digests as one hex string per event, or undefined when they do not fit its count. */
export function digestList(seal: Pick<SealData, 'digests' | 'count'>): string[] | undefined {
  const bytes = Buffer.from(seal.digests, 'base64');
  if (bytes.length !== seal.count * DIGEST_BYTES) return undefined;
  return Array.from({ length: seal.count }, (_, index) =>
    bytes.subarray(index * DIGEST_BYTES, (index + 1) * DIGEST_BYTES).toString('hex'),
  );
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const position = z.number().int().nonnegative();

/** What a seal event's data holds; strict, so a field slipped in shows as a malformed seal. */
const sealDataSchema = z.strictObject({
  sequence: z.number().int().nonnegative(),
  from: position,
  through: position,
  count: z.number().int().positive(),
  eventsHash: hex64,
  digests: z.string(),
  previousSealHash: hex64,
  keyId: z.string(),
  sealHash: hex64,
});

export type SealData = z.infer<typeof sealDataSchema>;

/** The chain's head as the next seal needs it. */
export interface SealLink {
  sequence: number;
  sealHash: string;
  through: number;
}

export const GENESIS: SealLink = { sequence: -1, sealHash: GENESIS_SEAL_HASH, through: 0 };

export const linkOf = (seal: SealData): SealLink => ({
  sequence: seal.sequence,
  sealHash: seal.sealHash,
  through: seal.through,
});

/** Names the key without revealing it, so an operator can tell "another key" from "forged". */
export const sealKeyId = (key: string): string =>
  createHmac('sha256', key).update('partner-ledger audit seal key id').digest('hex').slice(0, 16);

interface SealedFields {
  id: string;
  streamId: string;
  type: string;
  revision: number;
  metadata: EventMetadata;
  body: Omit<SealData, 'sealHash'>;
}

/** HMAC-SHA256 over everything the seal event states but its own hash, position and time. */
function sealHashOf(key: string, fields: SealedFields): string {
  const { body, ...event } = fields;
  return createHmac('sha256', key)
    .update(canonical({ ...event, data: body }))
    .digest('hex');
}

/** The seal after `head` for the events of (head.through, through]. */
export function newSeal(
  key: string,
  head: SealLink,
  range: RangeDigest & { through: number },
  event: { id: string; metadata: EventMetadata },
): NewEvent<typeof SEAL_EVENT_TYPE, SealData> {
  const body: Omit<SealData, 'sealHash'> = {
    sequence: head.sequence + 1,
    from: head.through,
    through: range.through,
    count: range.count,
    eventsHash: range.eventsHash,
    digests: range.digests,
    previousSealHash: head.sealHash,
    keyId: sealKeyId(key),
  };
  const sealHash = sealHashOf(key, {
    ...event,
    streamId: SEAL_STREAM,
    type: SEAL_EVENT_TYPE,
    revision: body.sequence,
    body,
  });
  return { ...event, type: SEAL_EVENT_TYPE, data: { ...body, sealHash } };
}

/** A seal event's data, or why it is not one. */
export function readSeal(event: RecordedEvent): { seal: SealData } | { malformed: string } {
  if (event.type !== SEAL_EVENT_TYPE) return { malformed: `its type is ${event.type}` };
  const parsed = sealDataSchema.safeParse(event.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { malformed: `its ${issue.path.join('.') || 'data'} is not valid: ${issue.message}` };
  }
  return { seal: parsed.data };
}

export type SealCheck = 'valid' | 'other-key' | 'forged';

/** Whether the stored seal event is what `key` signed: data, id, metadata, stream, revision. */
export function checkSeal(key: string, event: RecordedEvent, seal: SealData): SealCheck {
  if (seal.keyId !== sealKeyId(key)) return 'other-key';
  const { sealHash, ...body } = seal;
  const expected = sealHashOf(key, {
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    revision: event.revision,
    metadata: event.metadata,
    body,
  });
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(sealHash, 'hex'))
    ? 'valid'
    : 'forged';
}
