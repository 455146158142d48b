import { HttpStatus, type HttpException } from '@nestjs/common';

/**
 * @internal What a library error tells a GraphQL or WebSocket client: the machine `error` string,
 * one `message`, the HTTP-equivalent `statusCode` and, on a lockout, `retryAfter` in seconds.
 * Built from known fields only, so nothing else of the exception (and never the request's data)
 * reaches the client.
 */
export interface ContextErrorBody {
  /** HTTP-equivalent status, for example `401`. */
  statusCode: number;
  /** Machine code in snake_case, for example `'invalid_recovery_code'` or `'unauthorized'`. */
  error: string;
  /** Message for people; several validation messages are joined with `'; '`. */
  message: string;
  /** Seconds until the lockout ends; only on `too_many_attempts`. */
  retryAfter?: number;
}

/** Library codes are snake_case; anything else (Nest's `'Bad Request'`) is replaced. */
const MACHINE_CODE = /^[a-z][a-z0-9_]*$/;

/**
 * @internal Reads an `HttpException` into a `ContextErrorBody`. The code is the body's `error`
 * when it is a machine code, else the status name (`bad_request`, `unauthorized`, …), as the
 * typed client derives it for bodies without a code.
 */
export function contextErrorBody(exception: HttpException): ContextErrorBody {
  const statusCode = exception.getStatus();
  const response = exception.getResponse();
  const fields: Record<string, unknown> =
    typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
  const error =
    typeof fields.error === 'string' && MACHINE_CODE.test(fields.error)
      ? fields.error
      : statusName(statusCode);
  const body: ContextErrorBody = { statusCode, error, message: messageOf(fields, exception) };
  const retryAfter = fields.retryAfter;
  if (typeof retryAfter === 'number' && Number.isFinite(retryAfter)) body.retryAfter = retryAfter;
  return body;
}

function statusName(statusCode: number): string {
  const name = (HttpStatus as unknown as Record<number, string | undefined>)[statusCode];
  return name ? name.toLowerCase() : 'http_error';
}

function messageOf(fields: Record<string, unknown>, exception: HttpException): string {
  const message = fields.message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message) && message.every((m) => typeof m === 'string')) {
    return message.join('; ');
  }
  return exception.message;
}
