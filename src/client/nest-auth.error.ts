/**
 * Machine codes of a `NestAuthError`. The server's own (`invalid_recovery_code`,
 * `too_many_attempts`, `too_many_generations`, `store_unavailable`, `overloaded`,
 * `cross_origin_request`, `unsupported_media_type`), the generic HTTP ones for bodies without a
 * code (`bad_request`, `unauthorized`, `http_error`), and the client's (`network_error` when no
 * response came, `invalid_response` when a success was not the expected JSON,
 * `unexpected_redirect` when the server answered with a redirect, which the client never follows).
 * @publicApi
 */
export type NestAuthErrorCode =
  | 'invalid_recovery_code'
  | 'too_many_attempts'
  | 'too_many_generations'
  | 'store_unavailable'
  | 'overloaded'
  | 'cross_origin_request'
  | 'unsupported_media_type'
  | 'unexpected_redirect'
  | 'bad_request'
  | 'unauthorized'
  | 'http_error'
  | 'network_error'
  | 'invalid_response';

/**
 * What a `NestAuthError` is built from.
 * @publicApi
 */
export interface NestAuthErrorInit {
  /** HTTP status; `0` when no response came. */
  status: number;
  /** Machine code. */
  error: NestAuthErrorCode | (string & {});
  /** Message for people. */
  message: string;
  /** Every message of the response. Default: `[message]`. */
  messages?: readonly string[];
  /** Seconds to wait before trying again. Default: `null`. */
  retryAfter?: number | null;
  /** The underlying error, such as a network failure. */
  cause?: unknown;
}

/**
 * A failed request of the client. `error` is the machine code to branch on; `message` is for
 * people.
 * @example
 * try {
 *   await resetMfa(code);
 * } catch (e) {
 *   if (isNestAuthError(e) && e.error === 'too_many_attempts') wait(e.retryAfter);
 * }
 * @publicApi
 */
export class NestAuthError extends Error {
  /** HTTP status; `0` when no response came (`network_error`). */
  readonly status: number;
  /** Machine code, for example `'invalid_recovery_code'`; a newer server may send others. */
  readonly error: NestAuthErrorCode | (string & {});
  /** Every message of the response; a 400 lists each validation failure. */
  readonly messages: readonly string[];
  /**
   * Seconds to wait before trying again (429, 503), from `Retry-After` or the body; `null`
   * otherwise.
   */
  readonly retryAfter: number | null;

  constructor(init: NestAuthErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'NestAuthError';
    this.status = init.status;
    this.error = init.error;
    this.messages = init.messages ?? [init.message];
    this.retryAfter = init.retryAfter ?? null;
  }
}

/**
 * Whether a value is a `NestAuthError`, also across bundles that each carry their own copy of
 * the class.
 * @publicApi
 */
export function isNestAuthError(value: unknown): value is NestAuthError {
  return (
    value instanceof NestAuthError ||
    (value instanceof Error &&
      value.name === 'NestAuthError' &&
      typeof (value as { status?: unknown }).status === 'number' &&
      typeof (value as { error?: unknown }).error === 'string')
  );
}
