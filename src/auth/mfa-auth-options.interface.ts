/**
 * What `@Auth(options)` requires of the session beyond a signed-in user.
 * @publicApi
 */
export interface MfaAuthOptions {
  /**
   * Accept a session that still owes the second factor (`mfaPending`). Use it on the endpoints that
   * pay that debt, such as redeeming a recovery code or resetting MFA with one. Default: `false`
   * (401 `mfa_required`).
   */
  allowMfaPending?: boolean;
  /**
   * Refuse a session whose `authenticatedAt` is more than this many ms ago, or missing or invalid
   * (401 `reauthentication_required`). An age equal to `maxAuthAge` passes. A whole number of ms,
   * at least 1. Default: none (no age limit).
   */
  maxAuthAge?: number;
}
