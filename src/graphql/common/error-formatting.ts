import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import { DomainError } from '../../domain/shared/domain-error';
import { WrongExpectedRevisionError } from '../../event-store/event-store';
import { ReadModelNotReadyError } from '../../projection-engine/checkpoints';
import { ReadYourWritesTimeoutError } from '../../projection-engine/visible-position';

const PASSED_THROUGH = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_INPUT',
  'PRECONDITION_FAILED',
  'CONFIRMATION_REQUIRED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/** Every error leaves with a stable `extensions.code` and, for refused commands, the rule. */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = {
      message: formatted.message,
      locations: formatted.locations,
      path: formatted.path,
    };
    if (original instanceof DomainError) {
      return {
        ...base,
        message: original.message,
        extensions: {
          code: original.code,
          ...(original.rule ? { rule: original.rule } : {}),
          ...(original.details ? { details: original.details } : {}),
        },
      };
    }
    if (original instanceof WrongExpectedRevisionError) {
      return {
        ...base,
        message: 'A concurrent change conflicted; nothing was changed.',
        extensions: { code: 'CONFLICT' },
      };
    }
    if (original instanceof ReadModelNotReadyError) {
      return { ...base, message: original.message, extensions: { code: 'NOT_READY' } };
    }
    if (original instanceof ReadYourWritesTimeoutError) {
      return {
        ...base,
        message: original.message,
        extensions: { code: 'NOT_READY', recorded: true },
      };
    }
    const code = formatted.extensions?.code;
    if (code === 'NOT_READY') return { ...base, extensions: formatted.extensions };
    if (code === 'BAD_USER_INPUT') return { ...base, extensions: { code: 'INVALID_INPUT' } };
    if (typeof code === 'string' && PASSED_THROUGH.has(code))
      return { ...base, extensions: { code } };
    logger.error(
      original instanceof Error ? (original.stack ?? original.message) : String(original),
    );
    return {
      ...base,
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
