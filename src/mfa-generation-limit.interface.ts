/**
 * A per-user limit on generation: at most `max` calls of `generateRecoveryCode()` or
 * `generateRecoveryCodes()` (a whole set counts as one call) in a window of `windowMs` that starts
 * at the first call. Counted in the attempt store, so it holds across instances.
 * @publicApi
 */
export interface MfaGenerationLimit {
  /** Calls allowed per window. */
  max: number;
  /** Length of the window from its first call, in ms. */
  windowMs: number;
}

/**
 * Per-call options of `generateRecoveryCode()` and `generateRecoveryCodes()`.
 * @publicApi
 */
export interface RecoveryCodeGenerationOptions {
  /**
   * The generation limit of this call, in place of the module's `generationLimit`; `false` for
   * none. The ready-made routes pass `routes.generationLimit` here. Default: the module's
   * `generationLimit`.
   */
  generationLimit?: MfaGenerationLimit | false;
}
