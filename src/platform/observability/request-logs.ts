import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

/** The current request's logger (bound to its request id), while the request is handled. */
export const requestLogs = new AsyncLocalStorage<Logger>();
