import type { ArgumentsHost, HttpException } from '@nestjs/common';
import { throwError } from 'rxjs';
import { contextErrorBody } from './context/context-error.body.js';
import { MfaGraphqlError } from './context/graphql.context.js';
import { sendWsException } from './context/ws.context.js';

/**
 * @internal Delivers a library `HttpException` on a non-HTTP transport, with the library's
 * `error` string, `message` and, on a lockout, `retryAfter` (seconds), and nothing of the request:
 * - `graphql`: returns an error with `extensions: { code, retryAfter? }`, which the filter returns
 *   so that it becomes the field's GraphQL error;
 * - `ws`: sends the `exception` event to the client (socket.io or ws) and returns `undefined`;
 * - `rpc`: returns an Observable that errors with `{ status: 'error', statusCode, error, message }`,
 *   as Nest's RPC filters must;
 * - anything else (including `http`, which the caller answers itself): rethrows the exception
 *   unchanged, as if no filter had caught it.
 */
export function deliverContextError(exception: HttpException, host: ArgumentsHost): unknown {
  switch (host.getType<string>()) {
    case 'graphql':
      return new MfaGraphqlError(contextErrorBody(exception), exception.stack);
    case 'ws':
      sendWsException(host.switchToWs().getClient<unknown>(), contextErrorBody(exception));
      return undefined;
    case 'rpc': {
      const payload = { status: 'error', ...contextErrorBody(exception) };
      return throwError(() => payload);
    }
    default:
      throw exception;
  }
}
