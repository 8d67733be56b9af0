import type { Logger } from '@nestjs/common';

/** What Apollo Server logs through (its `logger` option). */
interface ApolloLogger {
  debug(message?: unknown): void;
  info(message?: unknown): void;
  warn(message?: unknown): void;
  error(message?: unknown): void;
}

/** graphql-js appends the caller's query around an error's location: "…\n\nGraphQL request:1:88…". */
const SOURCE_EXCERPT = '\n\nGraphQL request:';

const withoutSource = (message: unknown) => String(message).split(SOURCE_EXCERPT)[0];

/**
 * Apollo Server's own lines (an unexpected failure while processing a request, say) through the
 * server's JSON log instead of plain text on stdout, without the excerpt of the caller's query
 * that graphql-js puts in an error's text: the log never holds request bodies.
 */
export const apolloLogger = (logger: Logger): ApolloLogger => ({
  debug: (message) => logger.debug(withoutSource(message)),
  info: (message) => logger.log(withoutSource(message)),
  warn: (message) => logger.warn(withoutSource(message)),
  error: (message) => logger.error(withoutSource(message)),
});
