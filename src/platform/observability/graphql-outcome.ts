import type { ApolloServerPlugin } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { Actor } from '../domain/actor';
import type { RequestContext } from '../graphql/request-context';

/** What one GraphQL request was and how it ended, for its log line and the metrics. */
export interface GraphQLOutcome {
  /**
   * The root field asked for (`customers`), `multiple`, or `-` when the document was invalid or
   * not read (a request refused before GraphQL: no token, rate limited, malformed Unicode).
   */
  operation: string;
  operationType?: string;
  /** The client's own name for the operation (free text: logged truncated, never a metric label). */
  operationName?: string;
  actor?: Pick<Actor, 'tenantId' | 'userId'>;
  /** `OK`, or the first error's `extensions.code`. */
  outcome: string;
  refusal?: { code: string; message: string; rule?: string };
}

/** Faults, as opposed to refusals (which a caller causes and the server meant). */
export const FAULT_CODES = new Set(['INTERNAL_SERVER_ERROR']);

const outcomes = new WeakMap<IncomingMessage, GraphQLOutcome>();

export const graphqlOutcomeOf = (req: IncomingMessage): GraphQLOutcome | undefined =>
  outcomes.get(req);

export function noteGraphQLOutcome(req: IncomingMessage, outcome: GraphQLOutcome): void {
  outcomes.set(req, outcome);
}

/**
 * How a GraphQL request over HTTP ended, once it has: as noted, but `ABORTED` when its answer was
 * not delivered (the client left; a status set meanwhile never reached it), and a fault when the
 * server answered 500 with nothing noted (a failure of Apollo's own, past every plugin). Undefined
 * for other requests.
 */
export function endedOutcome(
  req: IncomingMessage,
  res: ServerResponse,
  isGraphQL: boolean,
): GraphQLOutcome | undefined {
  const noted = outcomes.get(req) ?? (isGraphQL ? { operation: '-', outcome: 'OK' } : undefined);
  if (!noted) return undefined;
  if (!res.writableFinished) return { ...noted, outcome: 'ABORTED' };
  if (res.statusCode >= 500 && noted.outcome === 'OK') {
    return { ...noted, outcome: 'INTERNAL_SERVER_ERROR' };
  }
  return noted;
}

/** A bounded label: the schema's root field names, never the caller's free text. */
export function operationLabel(operation: OperationDefinitionNode): string {
  const fields = new Set(
    operation.selectionSet.selections.map((selection) =>
      selection.kind === Kind.FIELD ? selection.name.value : '-',
    ),
  );
  return fields.size === 1 ? [...fields][0] : 'multiple';
}

const MAX_LOGGED = 200;
export const truncate = (text: string, max = MAX_LOGGED): string =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;

/** graphql-js quotes a refused variable's value back (twice): the caller sees it, the log does not. */
const REFUSED_VARIABLE = /^Variable "\$[^"]*" got invalid value/;

/** A refusal's message as logged: truncated, and without a refused variable's value (a secret, say). */
export function loggedRefusal(message: string): string {
  const variable = REFUSED_VARIABLE.exec(message);
  return variable ? `${truncate(variable[0], 100)} (the value is not logged)` : truncate(message);
}

/** Records each HTTP GraphQL request's operation, caller and outcome (graphql-ws has no request). */
export function graphqlOutcomePlugin(): ApolloServerPlugin<RequestContext> {
  return {
    requestDidStart({ contextValue }) {
      const req = contextValue.req;
      if (!req) return Promise.resolve();
      const outcome: GraphQLOutcome = {
        operation: '-',
        outcome: 'OK',
        ...(contextValue.actor
          ? { actor: { tenantId: contextValue.actor.tenantId, userId: contextValue.actor.userId } }
          : {}),
      };
      noteGraphQLOutcome(req, outcome);
      return Promise.resolve({
        didResolveOperation({ operation, operationName }) {
          if (operationName) outcome.operationName = truncate(operationName, 100);
          if (operation) {
            outcome.operation = operationLabel(operation);
            outcome.operationType = operation.operation;
          }
          return Promise.resolve();
        },
        willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : [];
          const first = errors?.[0];
          if (first) {
            const code =
              typeof first.extensions?.code === 'string'
                ? first.extensions.code
                : 'INTERNAL_SERVER_ERROR';
            const rule = first.extensions?.rule;
            outcome.outcome = code;
            outcome.refusal = {
              code,
              message: loggedRefusal(first.message),
              ...(typeof rule === 'string' ? { rule } : {}),
            };
          }
          return Promise.resolve();
        },
      });
    },
  };
}
