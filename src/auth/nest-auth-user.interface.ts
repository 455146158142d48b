/**
 * The authenticated user as `authenticate` (or an upstream guard or middleware) returns it and
 * `@CurrentUser()` hands it on. Only `id` is required; the two assurance fields tell `@Auth()`
 * what the session may do.
 * @example
 * // After the password step, while the second factor is still owed:
 * const user: NestAuthUser = { id: 'alice', mfaPending: true, authenticatedAt: new Date() };
 * @publicApi
 */
export interface NestAuthUser {
  /** The user's id, as `MfaService` methods take it. */
  id: string;
  /**
   * `true` while the user has passed the password step but still owes the second factor. `@Auth()`
   * refuses such a session (401 `mfa_required`); `@Auth({ allowMfaPending: true })` accepts it.
   * A user without MFA enrolled is not pending. Any value other than `undefined`, `null` or
   * `false` counts as pending, so a loosely typed session fails closed. Default: not pending.
   */
  mfaPending?: boolean;
  /**
   * When the user last proved who they are (password, passkey, second factor): a `Date`, epoch
   * milliseconds, or an ISO 8601 date-time with a time zone (`Date#toISOString()`, as JSON session
   * stores such as express-session return a stored `Date`). Only `@Auth({ maxAuthAge })` reads it;
   * missing or invalid counts as stale there. From a JWT, use `auth_time * 1000` (seconds to ms).
   * Default: none.
   */
  authenticatedAt?: Date | number | string;
  [key: string]: unknown;
}
