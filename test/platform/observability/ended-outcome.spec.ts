import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  endedOutcome,
  noteGraphQLOutcome,
} from '../../../src/platform/observability/graphql-outcome';

const request = () => ({}) as IncomingMessage;
const response = (statusCode: number, writableFinished = true) =>
  ({ statusCode, writableFinished }) as ServerResponse;

describe('how a GraphQL request over HTTP ended', () => {
  it('a 500 with nothing noted (Apollo failing past every plugin) is a fault, not OK', () => {
    expect(endedOutcome(request(), response(500), true)).toEqual({
      operation: '-',
      outcome: 'INTERNAL_SERVER_ERROR',
    });
    const noted = request();
    noteGraphQLOutcome(noted, { operation: 'customers', outcome: 'OK' });
    expect(endedOutcome(noted, response(500), true)?.outcome).toBe('INTERNAL_SERVER_ERROR');
    expect(endedOutcome(noted, response(200), true)?.outcome).toBe('OK');
  });

  it('an answer not delivered is ABORTED whatever status was set; other requests are none of its business', () => {
    const refused = request();
    noteGraphQLOutcome(refused, { operation: '-', outcome: 'NOT_READY' });
    expect(endedOutcome(refused, response(503, false), true)?.outcome).toBe('ABORTED');
    expect(endedOutcome(refused, response(503), true)?.outcome).toBe('NOT_READY');
    expect(endedOutcome(request(), response(200), false)).toBeUndefined();
  });
});
