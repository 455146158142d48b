/**
 * Fields every event carries. Events name users by id and never carry a code or a digest.
 * @publicApi
 */
export interface MfaEventBase {
  /** The user the event is about. */
  userId: string;
  /** When it happened. */
  timestamp: Date;
}

/**
 * Codes were created: `replaced` is `true` for `generateRecoveryCodes()` (a new set), `false` for
 * one `generateRecoveryCode()`.
 * @publicApi
 */
export interface RecoveryCodesGeneratedEvent extends MfaEventBase {
  /** The event kind. */
  type: 'generated';
  /** How many codes were created. */
  count: number;
  /** Whether the new codes replaced the whole earlier set. */
  replaced: boolean;
}

/**
 * A code was consumed, by `redeemRecoveryCode()` or `resetMfa()`.
 * @publicApi
 */
export interface RecoveryCodeUsedEvent extends MfaEventBase {
  /** The event kind. */
  type: 'used';
  /** Which call consumed the code. */
  purpose: 'redeem' | 'reset';
  /** Unused codes the user has left. */
  remaining: number;
}

/**
 * `onMfaReset` ran successfully after a code was consumed.
 * @publicApi
 */
export interface MfaResetEvent extends MfaEventBase {
  /** The event kind. */
  type: 'reset';
  /** Whether the user's other codes were revoked (`revokeAllOnReset`). */
  revokedOthers: boolean;
}

/**
 * A check failed: wrong, unknown, used or revoked code.
 * @publicApi
 */
export interface RecoveryCodeFailedAttemptEvent extends MfaEventBase {
  /** The event kind. */
  type: 'failed_attempt';
  /** Attempts used in the current window, this one included. */
  attempts: number;
  /** Attempts allowed per window (`maxAttempts`). */
  maxAttempts: number;
  /** Failed attempts in a row, across windows, this one included. */
  failures: number;
  /** Failed attempts in a row after which the codes lock (`maxConsecutiveFailures`). */
  maxConsecutiveFailures: number;
}

/**
 * A lockout started. `permanent: false`: the user reached `maxAttempts` and attempts are refused
 * until `until`. `permanent: true`: the user reached `maxConsecutiveFailures` and attempts are
 * refused until `unlockRecoveryCodes()` or a new set; it fires once per lock.
 * @publicApi
 */
export interface RecoveryCodeLockedOutEvent extends MfaEventBase {
  /** The event kind. */
  type: 'locked_out';
  /** When attempts are allowed again, at the latest; `null` for a permanent lock. */
  until: Date | null;
  /** Whether only an unlock or a new set ends the lock. */
  permanent: boolean;
}

/**
 * `unlockRecoveryCodes()` lifted the user's lock and cleared the attempt counters.
 * @publicApi
 */
export interface RecoveryCodesUnlockedEvent extends MfaEventBase {
  /** The event kind. */
  type: 'unlocked';
}

/**
 * A use left `lowCodesThreshold` codes or fewer (but at least one).
 * @publicApi
 */
export interface RecoveryCodesLowEvent extends MfaEventBase {
  /** The event kind. */
  type: 'low';
  /** Unused codes the user has left. */
  remaining: number;
}

/**
 * A use left no codes.
 * @publicApi
 */
export interface RecoveryCodesExhaustedEvent extends MfaEventBase {
  /** The event kind. */
  type: 'exhausted';
}

/**
 * Every code of the user was revoked by `revokeRecoveryCodes()` or `revokeAllOnReset`.
 * @publicApi
 */
export interface RecoveryCodesRevokedEvent extends MfaEventBase {
  /** The event kind. */
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
  | RecoveryCodesUnlockedEvent
  | RecoveryCodesLowEvent
  | RecoveryCodesExhaustedEvent
  | RecoveryCodesRevokedEvent;
