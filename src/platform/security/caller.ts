import { AsyncLocalStorage } from 'node:async_hooks';
import type { Request } from 'express';
import type { VerifiedToken } from '../auth/verified-tokens';

/** What the gate learnt of a request's caller, before GraphQL sees the request. */
export interface Caller {
  verified?: VerifiedToken;
  /** Why the token was refused (absent when there was no token). */
  authError?: string;
}

const CALLER = Symbol('caller');

export const callerOf = (req: Request): Caller | undefined =>
  (req as Request & { [CALLER]?: Caller })[CALLER];

export const setCaller = (req: Request, caller: Caller): void => {
  (req as Request & { [CALLER]?: Caller })[CALLER] = caller;
};

/**
 * The caller of the request being handled, across the awaits of GraphQL's pipeline: Apollo's
 * document store keeps nothing for a request whose token was not verified.
 */
export const currentCaller = new AsyncLocalStorage<Caller>();

export const callerIsVerified = (): boolean => currentCaller.getStore()?.verified !== undefined;
