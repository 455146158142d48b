/**
 * A code as handed to a store: digests and a key, never the code itself.
 * @publicApi
 */
export interface NewRecoveryCodeRecord {
  /** SHA-256 of the user id and the code's non-secret lookup part (base64url). */
  lookupKey: string;
  /** argon2id digest of the whole code (PHC string). */
  digest: string;
}

/**
 * A stored code. `id` is opaque to the service; the store assigns it.
 * @publicApi
 */
export interface StoredRecoveryCode extends NewRecoveryCodeRecord {
  /** The store's id for the record. */
  id: string;
  /** The user the code belongs to. */
  userId: string;
  /** When the code was generated. */
  createdAt: Date;
  /** When the code was consumed; `null` while it is usable. */
  usedAt: Date | null;
}

/**
 * What a user holds, without any code or digest.
 * @publicApi
 */
export interface RecoveryCodeStatus {
  /** Unused codes. */
  remaining: number;
  /** When the newest unused code was created; `null` when none remain. */
  generatedAt: Date | null;
  /** When a code of the current set was last consumed; `null` if never. */
  lastUsedAt: Date | null;
}

/**
 * What `findActive()` returns: all the service reads of an unused code.
 * @publicApi
 */
export interface ActiveRecoveryCode {
  /** The store's id for the record, passed back to `consume()` and `restore()`. */
  id: string;
  /** argon2id digest of the whole code (PHC string). */
  digest: string;
}

/**
 * What a winning `consume()` resolves.
 * @publicApi
 */
export interface ConsumeResult {
  /** Unused codes left after this one. */
  remaining: number;
}

/**
 * Storage for recovery code digests. Implement it to keep codes in your database, and prove the
 * implementation with `describeRecoveryCodeStore()` from `@nest-auth/mfa/testing`. Attempt
 * counters live in an `AttemptStore`, which the same class may also implement.
 *
 * Every method is **atomic** with respect to every other call for the same user, across all
 * processes that share the store. A store never sees a code: only lookup keys and digests.
 * Methods reject only on infrastructure faults; the service turns those into 503s.
 * @publicApi
 */
export interface RecoveryCodeStore {
  /**
   * Atomically replaces every code of the user (used or not) with `codes`. A concurrent reader
   * sees the old set or the new one, never a mix.
   */
  replaceAll(userId: string, codes: readonly NewRecoveryCodeRecord[]): Promise<void>;

  /**
   * Atomically adds one code, then deletes the oldest unused codes beyond `maxActive` and every
   * used code but the latest. Concurrent appends never leave more than `maxActive` unused codes.
   * Resolves `false`, adding nothing, when an unused code of the user has the same `lookupKey`.
   */
  append(userId: string, code: NewRecoveryCodeRecord, maxActive: number): Promise<boolean>;

  /** The user's unused code with this lookup key, or `null`. May return more fields. */
  findActive(userId: string, lookupKey: string): Promise<ActiveRecoveryCode | null>;

  /**
   * Compare-and-set: marks the code used only if it is still unused. Of any number of concurrent
   * calls for one code exactly one resolves `{ remaining }` (unused codes left after it); the
   * others, and calls for a missing code, resolve `null`.
   */
  consume(userId: string, id: string): Promise<ConsumeResult | null>;

  /** Marks a consumed code unused again (its effect failed). Resolves whether it did. */
  restore(userId: string, id: string): Promise<boolean>;

  /** Counts and dates of the user's codes. */
  status(userId: string): Promise<RecoveryCodeStatus>;

  /** Deletes every code of the user. */
  revokeAll(userId: string): Promise<void>;
}

/**
 * Injection token of the active store: `@Inject(RecoveryCodeStore) store: RecoveryCodeStore`.
 * @publicApi
 */
export const RecoveryCodeStore = Symbol('RecoveryCodeStore');
