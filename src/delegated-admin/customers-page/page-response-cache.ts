import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Kind, OperationTypeNode, parse } from 'graphql';
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import type { Actor } from '../../platform/domain/actor';
import { Checkpoints } from '../../platform/projection-engine/checkpoints';
import type { ReadStore } from '../../platform/read-store/read-store';
import { callerOf } from '../../platform/security/caller';
import {
  type GraphQLOutcome,
  noteGraphQLOutcome,
} from '../../platform/observability/graphql-outcome';

/** Root fields whose answer depends only on the caller, the request and the read models. */
const PURE_ROOT_FIELDS = new Set(['customers', '__typename']);

/** How a cached answer is logged and counted: the page, as GraphQL answered it before. */
const CACHED_OUTCOME: GraphQLOutcome = {
  operation: 'customers',
  operationType: 'query',
  outcome: 'OK',
  cached: true,
};

interface GraphQLBody {
  query: string;
  operationName?: string | null;
  variables?: unknown;
}

interface CachedResponse {
  headers: [string, string | number | readonly string[]][];
  body: Buffer;
}

const isPlainQueryBody = (body: unknown): body is GraphQLBody =>
  typeof body === 'object' &&
  body !== null &&
  !Array.isArray(body) &&
  typeof (body as GraphQLBody).query === 'string' &&
  !('extensions' in body);

/**
 * A query document that only reads the Customers page: one query operation whose root selections
 * are `customers` fields (and perhaps `__typename`). Anything else is left to GraphQL uncached.
 */
function readsOnlyTheCustomersPage(query: string, operationName: string | null): boolean {
  try {
    const operations = parse(query).definitions.filter(
      (definition) => definition.kind === Kind.OPERATION_DEFINITION,
    );
    const operation =
      operations.length === 1 && !operationName
        ? operations[0]
        : operations.find((candidate) => candidate.name?.value === operationName);
    if (operation?.operation !== OperationTypeNode.QUERY) return false;
    const roots = operation.selectionSet.selections;
    return (
      roots.every(
        (selection) => selection.kind === Kind.FIELD && PURE_ROOT_FIELDS.has(selection.name.value),
      ) &&
      roots.some(
        (selection) => selection.kind === Kind.FIELD && selection.name.value === 'customers',
      )
    );
  } catch {
    return false;
  }
}

/**
 * Answers a Customers page query again from the response GraphQL gave to the same caller for the
 * same request, as long as no read model has moved since. The key holds the verified actor, the
 * document, operation name, variables, URL and the headers GraphQL negotiates on; the generation is
 * every projection's checkpoint (name, version, position), which each read-model write commits
 * with, so any applied event, rebuild or new version starts an empty generation. Only error-free
 * 200 answers are kept, and nothing is served while a read model is not LIVE. Checkpoints only move
 * forward, so a response stored under an older generation than its data can never be served.
 * Entries are keyed by the SHA-256 of that key and bounded by bytes (GRAPHQL_RESPONSE_CACHE_BYTES);
 * only callers whose token the gate verified get here (graphql-gate.ts).
 */
export class PageResponseCache {
  private generation = '';
  private readonly entries: LRUCache<string, CachedResponse>;
  private readonly checkpoints: Checkpoints;
  /** Whether a document reads only the Customers page, by its hash. */
  private readonly documents = new LRUCache<string, boolean>({ max: 1_000 });
  private readonly actorKeys = new WeakMap<Actor, string>();

  constructor(readStore: ReadStore, maxBytes: number) {
    this.checkpoints = new Checkpoints(readStore);
    this.entries = new LRUCache({
      maxSize: maxBytes,
      // An answer larger than a tenth of the cache is not kept: it would push out many others.
      maxEntrySize: Math.max(1, Math.floor(maxBytes / 10)),
      sizeCalculation: (entry) => entry.body.length + 200,
    });
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      try {
        this.handle(req, res, next);
      } catch (error) {
        next(error);
      }
    };
  }

  private handle(req: Request, res: Response, next: NextFunction): void {
    const body: unknown = req.body;
    if (req.method !== 'POST' || req.path !== '/graphql' || !isPlainQueryBody(body)) return next();
    const actor = callerOf(req)?.verified?.actor;
    if (!actor) return next();
    const operationName = body.operationName ?? null;
    if (!this.isCacheable(body.query, operationName)) return next();
    const generation = this.currentGeneration();
    if (generation === null) return next();
    const key = sha256([
      this.actorKey(actor),
      req.originalUrl,
      req.headers['content-type'] ?? '',
      req.headers.accept ?? '',
      operationName ?? '',
      JSON.stringify(body.variables ?? null),
      body.query,
    ]);
    if (generation !== this.generation) {
      this.entries.clear();
      this.generation = generation;
    }
    const cached = this.entries.get(key);
    if (cached) {
      noteGraphQLOutcome(req, {
        ...CACHED_OUTCOME,
        actor: { tenantId: actor.tenantId, userId: actor.userId },
      });
      for (const [name, value] of cached.headers) res.setHeader(name, value);
      res.status(200).send(cached.body);
      return;
    }
    this.keepWhatGraphQLSends(res, key, generation);
    next();
  }

  private keepWhatGraphQLSends(res: Response, key: string, generation: string): void {
    const send = res.send.bind(res);
    res.send = (sent?: unknown) => {
      res.send = send;
      const result = send(sent);
      if (
        res.statusCode === 200 &&
        typeof sent === 'string' &&
        generation === this.generation &&
        isErrorFree(sent)
      ) {
        const headers = Object.entries(res.getHeaders()).filter(
          (header): header is [string, string | number | string[]] =>
            header[1] !== undefined && header[0] !== 'content-length',
        );
        this.entries.set(key, { headers, body: Buffer.from(sent) });
      }
      return result;
    };
  }

  /** Every projection's checkpoint, or null while any read model is not LIVE. */
  private currentGeneration(): string | null {
    const checkpoints = this.checkpoints.all();
    if (checkpoints.length === 0 || checkpoints.some((row) => row.state !== 'LIVE')) return null;
    return checkpoints.map((row) => `${row.name}@${row.version}:${row.position}`).join(',');
  }

  private isCacheable(query: string, operationName: string | null): boolean {
    const documentKey = sha256([operationName ?? '', query]);
    let cacheable = this.documents.get(documentKey);
    if (cacheable === undefined) {
      cacheable = readsOnlyTheCustomersPage(query, operationName);
      this.documents.set(documentKey, cacheable);
    }
    return cacheable;
  }

  private actorKey(actor: Actor): string {
    let key = this.actorKeys.get(actor);
    if (key === undefined) {
      key = JSON.stringify(actor);
      this.actorKeys.set(actor, key);
    }
    return key;
  }
}

const sha256 = (parts: string[]): string =>
  createHash('sha256').update(parts.join('\u0000')).digest('base64url');

function isErrorFree(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { errors?: unknown };
    return parsed.errors === undefined;
  } catch {
    return false;
  }
}
