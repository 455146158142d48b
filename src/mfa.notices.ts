/**
 * Fields every notice carries. A notice names the user by id and never carries a code, a digest
 * or a lookup key: it is meant to be turned into a message to the user (an email, for example).
 * @publicApi
 */
export interface MfaNoticeBase {
  /** The user the notice is about. */
  userId: string;
  /**
   * Unused codes the user holds after the action. `null` only when the store could not count them
   * after the action (a store fault); the notice is delivered anyway.
   */
  remaining: number | null;
  /** When the action happened. */
  timestamp: Date;
}

/**
 * Codes were issued: a new set (`replaced: true`, by `generateRecoveryCodes()`), or one code
 * (`replaced: false`, by `generateRecoveryCode()` or as the replacement of `replaceOnUse`).
 * @publicApi
 */
export interface RecoveryCodesIssuedNotice extends MfaNoticeBase {
  /** The notice kind. */
  kind: 'codes_issued';
  /** Whether the new codes replaced every earlier code. */
  replaced: boolean;
}

/**
 * A code was used, by `redeemRecoveryCode()` (`'redeem'`) or `resetMfa()` (`'reset'`, an account
 * recovery).
 * @publicApi
 */
export interface RecoveryCodeUsedNotice extends MfaNoticeBase {
  /** The notice kind. */
  kind: 'code_used';
  /** Which call used the code. */
  purpose: 'redeem' | 'reset';
}

/**
 * Every code of the user was revoked, by `revokeRecoveryCodes()` or `revokeAllOnReset`.
 * @publicApi
 */
export interface RecoveryCodesRevokedNotice extends MfaNoticeBase {
  /** The notice kind. */
  kind: 'codes_revoked';
}

/**
 * A lockout started: the attempt window is full (`permanent: false`, it ends by itself), or
 * `maxConsecutiveFailures` was reached (`permanent: true`, until `unlockRecoveryCodes()` or a new
 * set).
 * @publicApi
 */
export interface RecoveryCodesLockedOutNotice extends MfaNoticeBase {
  /** The notice kind. */
  kind: 'locked_out';
  /** Whether only an unlock or a new set ends it. */
  permanent: boolean;
}

/**
 * What the `notify` option receives, discriminated by `kind`.
 * @publicApi
 */
export type MfaNotice =
  | RecoveryCodesIssuedNotice
  | RecoveryCodeUsedNotice
  | RecoveryCodesRevokedNotice
  | RecoveryCodesLockedOutNotice;

/**
 * The `notify` option: called after each noticed action, never awaited by it. Errors, thrown or
 * rejected, are logged with the notice's kind and user id.
 * @publicApi
 */
export type MfaNotify = (notice: MfaNotice) => void | Promise<void>;
