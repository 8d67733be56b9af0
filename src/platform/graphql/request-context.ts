import type { Request } from 'express';
import type { Actor } from '../domain/actor';

/** Per GraphQL request (HTTP or graphql-ws): the verified caller and the correlation id (R41). */
export interface RequestContext {
  req?: Request;
  correlationId: string;
  actor?: Actor;
  authError?: string;
  /**
   * How many fields whose answers grow with the data the operation asks for (checkOperationSize):
   * they share GRAPHQL_MAX_RESPONSE_BYTES, so aliases do not multiply what is built.
   */
  dataSizedFields?: number;
}

/** What one data-sized field of this request may build: its share of `maxBytes`. */
export const shareOf = (maxBytes: number, context: RequestContext): number =>
  Math.floor(maxBytes / Math.max(1, context.dataSizedFields ?? 1));
