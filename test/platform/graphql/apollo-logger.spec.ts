import { Logger } from '@nestjs/common';
import { apolloLogger } from '../../../src/platform/graphql/apollo-logger';

describe('Apollo Server’s own log lines', () => {
  it('go through the server’s logger without the caller’s query that graphql-js appends', () => {
    const logger = new Logger('Apollo');
    const error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    apolloLogger(logger).error(
      'Unexpected error processing request: TypeError: x is undefined\n\nGraphQL request:1:88\n1 | query Q { me { userId } } subscription S { secret }',
    );
    expect(error).toHaveBeenCalledWith(
      'Unexpected error processing request: TypeError: x is undefined',
    );
  });
});
