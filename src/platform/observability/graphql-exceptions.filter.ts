import { type ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { GqlContextType } from '@nestjs/graphql';

/**
 * Nest logs every error a resolver throws at error level, refusals included (a DomainError, a
 * missing token). Here a resolver's error goes on to GraphQL untouched: formatError logs the real
 * faults at error, and the request's log line carries a refusal at info, once. HTTP routes keep
 * Nest's own handling.
 */
@Catch()
export class GraphQLErrorsUnlogged extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType<GqlContextType>() === 'graphql') throw exception;
    super.catch(exception, host);
  }
}
