/**
 * Fields every event carries. Events name users by id and never carry a code or a digest.
 * @publicApi
 */
export interface MfaEventBase {
  userId: string;
  timestamp: Date;
}

/**
 * Codes were created: `replaced` is `true` for `generateRecoveryCodes()` (a new set), `false` for
 * one `generateRecoveryCode()`.
 * @publicApi
 */
export interface RecoveryCodesGeneratedEvent extends MfaEventBase {
  type: 'generated';
  count: number;
  replaced: boolean;
}

/**
 * A code was consumed, by `redeemRecoveryCode()` or `resetMfa()`.
 * @publicApi
 */
export interface RecoveryCodeUsedEvent extends MfaEventBase {
  type: 'used';
  purpose: 'redeem' | 'reset';
  remaining: number;
}

/**
 * `onMfaReset` ran successfully after a code was consumed.
 * @publicApi
 */
export interface MfaResetEvent extends MfaEventBase {
  type: 'reset';
  revokedOthers: boolean;
}

/**
 * A check failed: wrong, unknown, used or revoked code.
 * @publicApi
 */
export interface RecoveryCodeFailedAttemptEvent extends MfaEventBase {
  type: 'failed_attempt';
  attempts: number;
  maxAttempts: number;
}

/**
 * The user reached `maxAttempts`; further attempts are refused until `until`.
 * @publicApi
 */
export interface RecoveryCodeLockedOutEvent extends MfaEventBase {
  type: 'locked_out';
  until: Date;
}

/**
 * A use left `lowCodesThreshold` codes or fewer (but at least one).
 * @publicApi
 */
export interface RecoveryCodesLowEvent extends MfaEventBase {
  type: 'low';
  remaining: number;
}

/**
 * A use left no codes.
 * @publicApi
 */
export interface RecoveryCodesExhaustedEvent extends MfaEventBase {
  type: 'exhausted';
}

/**
 * Every code of the user was revoked by `revokeRecoveryCodes()` or `revokeAllOnReset`.
 * @publicApi
 */
export interface RecoveryCodesRevokedEvent extends MfaEventBase {
  type: 'revoked';
}

/**
 * Everything `MfaService.events$` emits, discriminated by `type`.
 * @publicApi
 */
export type MfaEvent =
  | RecoveryCodesGeneratedEvent
  | RecoveryCodeUsedEvent
  | MfaResetEvent
  | RecoveryCodeFailedAttemptEvent
  | RecoveryCodeLockedOutEvent
  | RecoveryCodesLowEvent
  | RecoveryCodesExhaustedEvent
  | RecoveryCodesRevokedEvent;
