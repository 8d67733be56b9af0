import { TimeoutError, UnavailableError } from '@eventstore/db-client';
import { Logger } from '@nestjs/common';
import { EventStoreUnavailableError } from '../../../src/platform/event-store/esdb/esdb-retry';
import { formatError } from '../../../src/platform/graphql/error-formatting';
import { ReadModelNotReadyError } from '../../../src/platform/projection-engine/checkpoints';
import { ReadYourWritesTimeoutError } from '../../../src/platform/projection-engine/visible-position';

describe('errors the read side raises', () => {
  const format = formatError(new Logger('test'));
  const formatted = { message: 'raw' };

  it('a read model being rebuilt past the wait is NOT_READY', () => {
    expect(format(formatted, new ReadModelNotReadyError('customers'))).toEqual({
      message: 'The customers read model is being rebuilt; try again in a moment.',
      extensions: { code: 'NOT_READY' },
    });
  });

  it('a mutation whose effects are not visible in time is NOT_READY with recorded: true', () => {
    expect(format(formatted, new ReadYourWritesTimeoutError(42, 5000)).extensions).toEqual({
      code: 'NOT_READY',
      recorded: true,
      position: 42,
    });
  });
});

describe('errors the environment raises', () => {
  const logger = new Logger('test');
  const warned = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  const logged = jest.spyOn(logger, 'error');
  const format = formatError(logger);
  const formatted = { message: 'raw' };
  const target = 'esdb://events.internal:2113?tls=false';

  it('EventStoreDB unreachable is UNAVAILABLE (UNREACHABLE), nothing recorded, no server address told', () => {
    const never = new UnavailableError({ code: 14, details: 'connect ECONNREFUSED' } as never);
    const answer = format(
      formatted,
      new EventStoreUnavailableError(target, 'append', 5, never, false),
    );
    expect(answer.extensions).toEqual({
      code: 'UNAVAILABLE',
      cause: 'UNREACHABLE',
      recorded: false,
    });
    expect(answer.message).toMatch(/cannot be reached.*Nothing was recorded/);
    expect(answer.message).not.toMatch(/events\.internal/);
    // Operators see the address, below error level: the environment, not a bug.
    expect(warned).toHaveBeenLastCalledWith(expect.stringContaining('events.internal:2113'));
    expect(logged).not.toHaveBeenCalled();
  });

  it('an EventStoreDB append that may have landed: recorded is null, look in the audit log before trying again', () => {
    const timedOut = new TimeoutError({ code: 4, details: 'deadline exceeded' } as never);
    const answer = format(
      formatted,
      new EventStoreUnavailableError(target, 'append', 5, timedOut, true),
    );
    expect(answer.extensions).toEqual({
      code: 'UNAVAILABLE',
      cause: 'UNREACHABLE',
      recorded: null,
    });
    expect(answer.message).toMatch(
      /may have been recorded: look in the audit log for its correlation id .* before trying again/,
    );
  });
});
