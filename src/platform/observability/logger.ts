import type { LoggerService } from '@nestjs/common';
import pino from 'pino';
import { requestLogs } from './request-logs';

/** The process's JSON logger (stdout unless a destination is given, as tests do). */
export const rootLogger = (level: string, destination?: pino.DestinationStream): pino.Logger =>
  destination ? pino({ level }, destination) : pino({ level });

/**
 * Nest's log lines as structured JSON through pino; inside a request, through that request's
 * logger, so they carry its request id.
 */
export class PinoLogger implements LoggerService {
  constructor(private readonly root: pino.Logger) {}

  private get pino(): pino.Logger {
    return requestLogs.getStore() ?? this.root;
  }

  log(message: unknown, context?: string) {
    this.pino.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.pino.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.pino.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.pino.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.pino.trace({ context }, String(message));
  }
}
