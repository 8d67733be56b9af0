import { Logger } from '@nestjs/common';
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
