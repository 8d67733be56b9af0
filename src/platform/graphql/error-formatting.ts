import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from '@nestjs/common';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '../domain/domain-error';
import { WrongExpectedRevisionError } from '../event-store/event-store';
import { asUnavailable, StoreUnavailableError } from '../faults/store-unavailable';
import { ReadModelNotReadyError } from '../projection-engine/checkpoints';
import { ReadYourWritesTimeoutError } from '../projection-engine/visible-position';
import {
  RecordedButGoneError,
  RecordedButNotVisibleError,
  recordedNotReady,
} from './command-gateway';

const PASSED_THROUGH = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_INPUT',
  'PRECONDITION_FAILED',
  'CONFIRMATION_REQUIRED',
  'NOT_READY',
  'UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'RATE_LIMITED',
  'OPERATION_LIMIT_EXCEEDED',
  'RESPONSE_TOO_LARGE',
]);

/** graphql-js quotes input back in its messages; a refusal never carries more than this. */
const MESSAGE_MAX = 500;
const clip = (message: string) =>
  message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX)}…` : message;

/** graphql-js's parser stops at `maxTokens` (GRAPHQL_MAX_TOKENS) with this message. */
const TOO_MANY_TOKENS = /Document contains more th(?:an|at) (\d+) tokens/;
/**
 * graphql-js's refusals of a value written in the operation (ValuesOfCorrectTypeRule,
 * ProvidedRequiredArgumentsRule): malformed input, INVALID_INPUT as the same value is when sent as
 * a variable, not a document that does not fit the schema (an unknown field: validation failed).
 */
const MALFORMED_VALUE =
  /^(Expected value of type "|(Int|Float|String|Boolean|ID) cannot represent |Value "[^"]*" does not exist in "[^"]+" enum\.|Enum "[^"]+" cannot represent non-enum value: |Field "[^"]+" of required type "[^"]+" was not provided\.|Field "[^"]+" is not defined by type "|Field "[^"]+" argument "[^"]+" of type "[^"]+" is required, but it was not provided\.|OneOf Input Object ")/;
/** graphql-js's own MaxIntrospectionDepthRule (fields, interfaces or possibleTypes nested 3 deep). */
const INTROSPECTION_TOO_DEEP = 'Maximum introspection depth exceeded';
const INTROSPECTION_MAX_DEPTH = 3;

/**
 * An error raised on purpose with its own stable code (an operation limit, an impossible date)
 * keeps it when graphql-js or Apollo wrap it (as a validation or bad-input error): the innermost wins.
 */
function codedCause(
  error: unknown,
): { message: string; extensions: Record<string, unknown> } | null {
  let found: GraphQLError | null = null;
  for (let cause = error; cause instanceof Error; cause = (cause as GraphQLError).originalError) {
    const code = cause instanceof GraphQLError ? cause.extensions.code : undefined;
    if (typeof code === 'string' && PASSED_THROUGH.has(code)) found = cause as GraphQLError;
  }
  if (!found) return null;
  const { http: _http, ...extensions } = found.extensions;
  return { message: found.message, extensions };
}

/** Apollo refuses some requests (a persisted query's version or hash) with a 4xx and no code. */
const refusedByApollo = (error: unknown): boolean => {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  return status !== undefined && status >= 400 && status < 500;
};

/** Every error leaves with a stable `extensions.code` and, for refused commands, the rule. */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = {
      message: clip(formatted.message),
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
    if (original instanceof RecordedButGoneError) {
      return {
        ...base,
        message: original.message,
        extensions: { code: 'NOT_FOUND', recorded: true, position: original.position },
      };
    }
    // Only a write waits for its position (ReadYourWritesTimeoutError): it was recorded.
    if (
      original instanceof RecordedButNotVisibleError ||
      original instanceof ReadYourWritesTimeoutError
    ) {
      return {
        ...base,
        message: original.message,
        extensions: recordedNotReady(original.position),
      };
    }
    // A store that cannot commit (disk full, locked, I/O error, damaged file, server unreachable)
    // refuses the write: nothing was recorded, or `recorded: null` when an EventStoreDB call timed
    // out and may have landed (once recorded, an error is RecordedButNotVisibleError above).
    const unavailable = asUnavailable(original);
    if (unavailable instanceof StoreUnavailableError) {
      logger.warn(unavailable.message);
      return {
        ...base,
        message: unavailable.publicMessage,
        extensions: {
          code: 'UNAVAILABLE',
          cause: unavailable.fault,
          recorded: unavailable.recorded === false ? false : null,
        },
      };
    }
    if (original instanceof ReadModelNotReadyError) {
      return { ...base, message: original.message, extensions: { code: 'NOT_READY' } };
    }
    const tokens = TOO_MANY_TOKENS.exec(formatted.message);
    if (tokens) {
      return {
        ...base,
        message: `The operation has more than ${tokens[1]} tokens; that is the limit (GRAPHQL_MAX_TOKENS). Nothing was run.`,
        extensions: {
          code: 'OPERATION_LIMIT_EXCEEDED',
          limit: 'GRAPHQL_MAX_TOKENS',
          max: Number(tokens[1]),
        },
      };
    }
    if (formatted.message === INTROSPECTION_TOO_DEEP) {
      return {
        ...base,
        message: `The operation nests introspection's fields, interfaces or possibleTypes more than ${INTROSPECTION_MAX_DEPTH} deep; that is the limit (INTROSPECTION_DEPTH, fixed by graphql-js). Nothing was run.`,
        extensions: {
          code: 'OPERATION_LIMIT_EXCEEDED',
          limit: 'INTROSPECTION_DEPTH',
          max: INTROSPECTION_MAX_DEPTH,
        },
      };
    }
    if (
      formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' &&
      MALFORMED_VALUE.test(formatted.message)
    ) {
      return { ...base, extensions: { code: 'INVALID_INPUT' } };
    }
    const coded = codedCause(error);
    if (coded) return { ...base, message: clip(coded.message), extensions: coded.extensions };
    const code = formatted.extensions?.code;
    if (code === 'NOT_READY') return { ...base, extensions: formatted.extensions };
    if (code === 'BAD_USER_INPUT') return { ...base, extensions: { code: 'INVALID_INPUT' } };
    if (typeof code === 'string' && PASSED_THROUGH.has(code))
      return { ...base, extensions: { code } };
    if (refusedByApollo(error)) return { ...base, extensions: { code: 'BAD_REQUEST' } };
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
