import type { NestAuthUser } from './auth/nest-auth-user.interface.js';
import type { RecoveryCodeFormat } from './codes/recovery-code.format.js';
import type { MfaNotify } from './mfa.notices.js';
import type { AttemptStore } from './store/attempt-store.interface.js';
import type { RecoveryCodeStore } from './store/recovery-code-store.interface.js';

/**
 * argon2id cost parameters. Each field falls back to `DEFAULT_HASHING_OPTIONS`.
 * @publicApi
 */
export interface RecoveryCodeHashingOptions {
  /** Memory in KiB. Default: `19456` (19 MiB, OWASP). */
  memoryCost?: number;
  /** Passes over memory. Default: `2`. */
  timeCost?: number;
  /** Lanes. Default: `1`. */
  parallelism?: number;
  /**
   * argon2 operations run at once; the rest wait in line. libuv's thread pool also serves file
   * system, DNS and zlib calls, so a flood of guesses must not occupy all of it. Memory stays
   * bounded by the pool size (`UV_THREADPOOL_SIZE` × `memoryCost`) either way. Default: the number
   * of cores, at most `UV_THREADPOOL_SIZE - 1` (3 with the default pool), at least 1.
   */
  maxConcurrency?: number;
}

/**
 * A pepper key: a string (used as its UTF-8 bytes) or a `Buffer`, at least 32 bytes from a random
 * generator, kept outside the store (an environment variable, a secret manager).
 * @publicApi
 */
export type MfaPepperKey = string | Buffer;

/**
 * A pepper with rotation: new codes use `current`; codes issued under a `previous` key keep
 * working until that key is removed.
 * @publicApi
 */
export interface MfaPepperRotation {
  /** The key new codes are issued under. */
  current: MfaPepperKey;
  /** Keys of codes issued earlier, newest first. Each adds one store read per attempt. Default: `[]`. */
  previous?: readonly MfaPepperKey[];
}

/**
 * The `pepper` option: one key, or a current key with previous ones.
 * @publicApi
 */
export type MfaPepper = MfaPepperKey | MfaPepperRotation;

/**
 * The HTTP request as the guard sees it: Express or Fastify, with `user` once authenticated.
 * @publicApi
 */
export interface NestAuthRequest {
  /** The authenticated user, once a guard or middleware has set it. */
  user?: unknown;
  /** Request headers, lower-cased. */
  headers: Record<string, string | string[] | undefined>;
  [key: string]: unknown;
}

/**
 * Options of `MfaModule.forRoot()` and `MfaModule.forRootAsync()`. Every option is optional.
 * @publicApi
 */
export interface MfaModuleOptions {
  /**
   * Where digests and their metadata live; also the attempt counters when it implements
   * `AttemptStore` and `attemptStore` is not set (every store of this package does).
   * Default: a new `InMemoryRecoveryCodeStore` (one process only; use a shared store in production).
   */
  store?: RecoveryCodeStore;
  /**
   * Where attempt counters live, when they should not live in `store` (for example codes in
   * PostgreSQL, counters in Redis). Default: `store`, which must then implement `AttemptStore`.
   */
  attemptStore?: AttemptStore;
  /**
   * How many unused codes a user holds. `generateRecoveryCode()` keeps the newest this many;
   * older ones stop working at once. Default: `10`.
   */
  maxActiveCodes?: number;
  /**
   * Code format: `'hex'` (`a1b2c3d4-e5f6-7890-abcd`, 80 bits), `'base32'` (Crockford,
   * `7K3Q-9ZD4-M2XH-PW8B`, 80 bits) or `'digits'` (`12345-67890-12345-67890`, 66 bits).
   * Default: `'hex'`.
   */
  codeFormat?: RecoveryCodeFormat;
  /**
   * argon2id parameters. Below OWASP's minimum (m=47104 t=1, m=19456 t=2, m=12288 t=3, m=9216 t=4
   * or m=7168 t=5) they work but log a startup warning naming the parameter to raise.
   * Default: `{ memoryCost: 19456, timeCost: 2, parallelism: 1 }`.
   */
  hashing?: RecoveryCodeHashingOptions;
  /** Checks allowed per user within `attemptWindowMs`, successful or not. Default: `5`. */
  maxAttempts?: number;
  /** Length of the attempt window, from its first attempt, in ms. Default: `900000` (15 min). */
  attemptWindowMs?: number;
  /**
   * Failed checks in a row, across windows, after which the user's codes lock: every attempt is
   * refused with 429 (`permanent: true`, no `Retry-After`) until `unlockRecoveryCodes()` or a new
   * set from `generateRecoveryCodes()`. Only a success resets the count. Of this and `maxAttempts`
   * the smaller binds first. Above 100 it works but logs a startup warning: NIST SP 800-63B-4
   * §3.2.2 allows no more. Default: `100`.
   */
  maxConsecutiveFailures?: number;
  /** A `low` event fires when a use leaves this many codes or fewer. Default: `2`. */
  lowCodesThreshold?: number;
  /** Whether `resetMfa()` also revokes the user's other codes. Default: `false`. */
  revokeAllOnReset?: boolean;
  /**
   * A secret key known only to the app: the lookup key becomes HMAC-SHA256(key, user id + lookup
   * part) and the argon2id digest takes the key as argon2's `secret`, so a dump of the store alone
   * allows no offline guessing at all. Each key must be at least 32 bytes; a shorter one fails at
   * startup. Rotate with `{ current, previous }`: removing a key makes the codes issued under it
   * fail with 401. See docs/security.md. Default: none (the lookup key is an unkeyed SHA-256).
   */
  pepper?: MfaPepper;
  /**
   * Receives a notice after codes are issued, a code is used, the codes are revoked, or a lockout
   * starts, so the app can tell the user (by email, for example). Called after the action and not
   * awaited: it never delays or fails it, and its errors are logged. A notice never carries a code.
   * Default: none.
   */
  notify?: MfaNotify;
  /**
   * Whether a successful `redeemRecoveryCode()` or `resetMfa()` also issues one new code in place
   * of the used one (NIST SP 800-63B-4 §4.2.1.1), returned as `replacement` to show once. The
   * number of codes left stays the same. Default: `false`.
   */
  replaceOnUse?: boolean;
  /**
   * Disables the user's MFA in your app; called by `resetMfa()` after the code is consumed.
   * If it throws, the code is restored and the error propagates. Default: none (then `resetMfa()`
   * fails with a configuration error and leaves the code untouched).
   */
  onMfaReset?: (userId: string) => void | Promise<void>;
  /**
   * Authenticates a request for `@Auth()`. Return the user, or `null`/`undefined` for 401.
   * Default: none (the guard accepts a `request.user` set upstream, for example by passport).
   */
  authenticate?: (
    request: NestAuthRequest,
  ) => NestAuthUser | null | undefined | Promise<NestAuthUser | null | undefined>;
}
