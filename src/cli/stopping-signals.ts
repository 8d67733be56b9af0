import { constants } from 'node:os';

/** The signals a long command hears as a request to stop (Ctrl-C, and a supervisor's SIGTERM). */
export const STOPPING_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** The exit code a shell expects of a command a signal ended: 128 + the signal's number. */
export const exitCodeOf = (signal: NodeJS.Signals): number => 128 + constants.signals[signal];
