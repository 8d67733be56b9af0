import type { RequestHandler, Response } from 'express';

/**
 * A GraphQL answer larger than `maxBytes` is not sent: the caller gets 400 RESPONSE_TOO_LARGE
 * instead (GRAPHQL_MAX_RESPONSE_BYTES). The operation limits keep such answers rare; this is the
 * backstop, so no answer, however it came about, ties up the socket and the memory of a client.
 */
export function responseSizeCap(maxBytes: number): RequestHandler {
  return (_req, res, next) => {
    const send = res.send.bind(res) as Response['send'];
    res.send = (body?: unknown) => {
      const size =
        typeof body === 'string'
          ? Buffer.byteLength(body)
          : Buffer.isBuffer(body)
            ? body.length
            : 0;
      if (size <= maxBytes) return send(body);
      res.status(400).type('application/json');
      return send(JSON.stringify({ errors: [answerTooLarge(size, maxBytes)] }));
    };
    next();
  };
}

/** The refusal of an answer of `size` bytes, over HTTP and over graphql-ws alike. */
export const answerTooLarge = (size: number, maxBytes: number) => ({
  message: `The answer would be ${size} bytes; answers are limited to ${maxBytes} (GRAPHQL_MAX_RESPONSE_BYTES). Ask for fewer fields or a smaller page.`,
  extensions: { code: 'RESPONSE_TOO_LARGE', max: maxBytes, found: size },
});
