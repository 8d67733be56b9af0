import type { Request } from 'express';
import type { Actor } from '../domain/actor';

/** Per GraphQL request (HTTP or graphql-ws): the verified caller and the correlation id (R41). */
export interface RequestContext {
  req?: Request;
  correlationId: string;
  actor?: Actor;
  authError?: string;
}
