import type { ArgumentsHost, HttpException } from '@nestjs/common';

/**
 * @internal Delivers a library `HttpException` on a non-HTTP transport: a GraphQL error on
 * `graphql`, an `exception` message on `ws`. Returns what a GraphQL filter must return, or
 * `undefined` when the error was delivered (or the context is HTTP, which the caller handles).
 * Placeholder until the GraphQL and WebSocket support lands: it hands the exception back.
 */
export function deliverContextError(exception: HttpException, _host: ArgumentsHost): unknown {
  return exception;
}
