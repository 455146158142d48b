/**
 * The brute-force policy passed to `reserveAttempt()`.
 * @publicApi
 */
export interface AttemptPolicy {
  /** Attempts allowed per window (`maxAttempts`). */
  maxAttempts: number;
  /** Length of the window from its first attempt, in ms (`attemptWindowMs`). */
  windowMs: number;
  /**
   * Consecutive failures, counted across windows, after which the user's codes lock until
   * `resetAttempts()` (`maxConsecutiveFailures`).
   */
  maxConsecutiveFailures: number;
}

/**
 * The outcome of `reserveAttempt()`.
 * @publicApi
 */
export interface AttemptReservation {
  /** `true` when a check may run; `false` when the user is locked out. */
  allowed: boolean;
  /** Attempts counted in the current window, including this one when allowed. */
  attempts: number;
  /**
   * Consecutive failures counted, including this attempt when allowed: a reserved attempt counts as
   * a failure until `resetAttempts()` or `releaseFailure()` says otherwise.
   */
  failures: number;
  /** `true` when refused because `maxConsecutiveFailures` was reached: no window ends it. */
  locked: boolean;
  /** Until the window ends, in ms; `0` when allowed or `locked`. */
  retryAfterMs: number;
}

/**
 * A fixed-window limit on calls other than code checks, for example generation.
 * @publicApi
 */
export interface QuotaPolicy {
  /** Calls allowed per window. */
  limit: number;
  /** Length of the window from its first call, in ms. */
  windowMs: number;
}

/**
 * The outcome of `reserveQuota()`.
 * @publicApi
 */
export interface QuotaReservation {
  /** `true` when the call may go ahead. */
  allowed: boolean;
  /** Calls counted in the current window, including this one when allowed. */
  count: number;
  /** Until the window ends, in ms; `0` when allowed. */
  retryAfterMs: number;
}

/**
 * Storage for attempt counters: the per-window attempt limit, the consecutive-failure lock, and
 * call quotas. Separate from `RecoveryCodeStore` so that codes can live in a durable database and
 * counters in a fast shared one (for example PostgreSQL and Redis). Prove an implementation with
 * `describeAttemptStore()` from `@nest-auth/mfa/testing`.
 *
 * Every method is **atomic** with respect to every other call for the same user, across all
 * processes that share the store. Methods reject only on infrastructure faults; the service turns
 * those into 503s.
 * @publicApi
 */
export interface AttemptStore {
  /**
   * Reserves one attempt before a check runs, atomically:
   * 1. refuses with `locked: true` while consecutive failures are at `maxConsecutiveFailures`;
   * 2. starts a window at the first attempt, refuses once `maxAttempts` were counted in it, until
   *    it ends (`retryAfterMs`);
   * 3. otherwise counts the attempt in the window and as a failure, and allows it.
   *
   * A refused attempt counts nowhere. Of any burst of concurrent calls at most `maxAttempts` are
   * allowed, and consecutive failures never pass `maxConsecutiveFailures`.
   */
  reserveAttempt(userId: string, policy: AttemptPolicy): Promise<AttemptReservation>;

  /**
   * Forgets the user's attempt window and failures, which also lifts a consecutive-failure lock.
   * Called after a success whose effect held, after a new set, and by an admin unlock. Leaves no
   * state behind for the user.
   */
  resetAttempts(userId: string): Promise<void>;

  /**
   * Uncounts one failure (never below zero) and keeps the window as it is: the reserved attempt
   * checked a valid code, but its effect failed and the code was restored.
   */
  releaseFailure(userId: string): Promise<void>;

  /**
   * Counts one call of `scope` (a fixed lowercase name such as `'generate'`) for the user, in a
   * window that starts at the first call and expires after `windowMs`. Refuses (counting nothing)
   * once `limit` calls were counted, until the window ends.
   */
  reserveQuota(userId: string, scope: string, policy: QuotaPolicy): Promise<QuotaReservation>;
}

/**
 * Injection token of the active attempt store: `@Inject(AttemptStore) attempts: AttemptStore`.
 * @publicApi
 */
export const AttemptStore = Symbol('AttemptStore');
