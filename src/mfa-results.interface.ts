/**
 * What `MfaService.redeemRecoveryCode()` resolves.
 * @publicApi
 */
export interface RedeemRecoveryCodeResult {
  /** Unused codes the user has left (with `replaceOnUse`, the replacement included). */
  remaining: number;
  /**
   * Only with `replaceOnUse`: the new code that replaces the used one, to show once like any new
   * code; `null` when issuing it failed (the cause is logged; the used code stays used, and the
   * user can generate a new set). Absent without `replaceOnUse`.
   */
  replacement?: string | null;
}

/**
 * What `MfaService.resetMfa()` resolves with `replaceOnUse` (without it: `undefined`).
 * @publicApi
 */
export interface ResetMfaResult {
  /**
   * The new code that replaces the used one, to show once; `null` when issuing it failed (the cause
   * is logged). With `revokeAllOnReset` it is issued after the revocation, so it is then the only
   * code the user holds.
   */
  replacement: string | null;
}
