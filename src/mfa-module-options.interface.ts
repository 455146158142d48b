import type { CanActivate, Type } from '@nestjs/common';
import type { NestAuthUser } from './auth/nest-auth-user.interface.js';
import type { RecoveryCodeFormat } from './codes/recovery-code.format.js';
import type { MfaNotify } from './mfa.notices.js';
import type { MfaGenerationLimit } from './mfa-generation-limit.interface.js';
import type { MfaRoutesPolicyOptions } from './routes/mfa-routes-policy-options.interface.js';
import type { MfaTelemetryOptions } from './telemetry/mfa-telemetry-options.interface.js';
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
  /**
   * argon2 operations that may wait ahead of a new one: a verification counts the waiting
   * verifications (it goes first), a generation everything waiting. New work beyond it is refused
   * at once with 503 `overloaded` and `Retry-After` (`MfaOverloadedException`), before any attempt
   * or generation is counted, rather than queued without bound; a set is admitted or refused as a
   * whole. At least `maxActiveCodes`, so the largest set fits. Default: about 2 s of work at the measured hash
   * time, `max(maxActiveCodes, round(2000 ms × maxConcurrency / average argon2 time))`, following
   * the average of recent operations (the first is timed at startup): about 200 at the OWASP
   * parameters on 2 cores. See docs/hardening.md.
   */
  maxQueue?: number;
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
 * What `onMfaReset` receives beside the user id when a route calls `resetMfa()`: the ready-made
 * reset route passes the request, so the hook can, for example, end other sessions of the user.
 * @publicApi
 */
export interface MfaResetContext {
  /** The request that asked for the reset. */
  request: NestAuthRequest;
}

/**
 * Options of `MfaService.redeemRecoveryCode()`.
 * @publicApi
 */
export interface RedeemRecoveryCodeOptions {
  /**
   * Runs after the code is consumed, before the `used` event: the redemption's effect (for
   * example, finishing the sign-in). If it throws, the code is restored and the error propagates,
   * as with `onMfaReset`. Default: none.
   */
  onRedeemed?: (result: { remaining: number }) => void | Promise<void>;
}

/**
 * What `routes.onRedeemed` receives after the ready-made redeem route spent a code.
 * @publicApi
 */
export interface MfaRedeemedContext {
  /** The user who redeemed the code, as `@Auth()` accepted it (typically still `mfaPending`). */
  user: NestAuthUser;
  /** The request (Express or Fastify). */
  request: NestAuthRequest;
  /** The response (Express `Response` or Fastify `FastifyReply`), for example to set a cookie. */
  response: unknown;
  /** Unused codes the user has left. */
  remaining: number;
}

/**
 * Options of the ready-made routes: `MfaModule.forRoot({ routes })`, `forRootAsync({ routes })`
 * beside the factory, or `routes` in what the `forRootAsync` factory returns (merged over the
 * import-time ones, for hooks that need injected services). `path` is known at import time only.
 * @publicApi
 */
export interface MfaRoutesOptions extends MfaRoutesPolicyOptions {
  /** Path prefix of the routes; import time only. Default: `'me/mfa'`. */
  path?: string;
  /**
   * Guards run on every ready-made route before `@Auth()`'s checks, in order, for example
   * `[AuthGuard('jwt')]` so passport sets the user without a global guard. A class is
   * instantiated with the injector of the module that imports `MfaModule` (usually `AppModule`), as
   * if that module declared it, so `AuthGuard('jwt')` sees `PassportModule.register({ property })`
   * there. A guard that returns `false` gives 403, as in Nest. Default: none.
   */
  guards?: (CanActivate | Type<CanActivate>)[];
  /**
   * Applies `@Auth({ maxAuthAge })` to generate (POST and PUT) and revoke: those answer 401
   * `reauthentication_required` unless the user signed in at most this many ms ago. Status, redeem
   * and reset are not affected. Default: none (no age limit).
   */
  maxAuthAge?: number;
  /**
   * Runs after the redeem route spent a code, to finish the sign-in (for example, issue a fully
   * signed-in token). The fields it returns are merged into the response beside `remaining`. If it
   * throws, the code is restored and the error propagates (an `HttpException` as is, anything else
   * as a 500). Return it from the `forRootAsync` factory to use injected services. Default: none
   * (the response is `{ remaining }`).
   * @example
   * onRedeemed: ({ user }) => ({ accessToken: jwt.sign({ sub: user.id, auth_time: now() }) })
   */
  onRedeemed?: (
    context: MfaRedeemedContext,
  ) => object | void | undefined | Promise<object | void | undefined>;
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
   * Disables the user's MFA in your app; called by `resetMfa()` after the code is consumed, with
   * `{ request }` when the ready-made route calls it. If it throws, the code is restored and the
   * error propagates. Default: none (then `resetMfa()` fails with a configuration error and leaves
   * the code untouched).
   */
  onMfaReset?: (userId: string, context?: MfaResetContext) => void | Promise<void>;
  /**
   * Authenticates a request for `@Auth()`. Return the user (with `mfaPending` and
   * `authenticatedAt` when your sessions know them), or `null`/`undefined` for 401 `unauthorized`.
   * An `HttpException` it throws passes through unchanged; any other error (say, an expired JWT)
   * is a 401 `unauthorized`, and only the error's name is logged. Default: none (the guard accepts
   * the user an upstream guard or middleware set on `request[userProperty]`, for example passport).
   */
  authenticate?: (
    request: NestAuthRequest,
  ) => NestAuthUser | null | undefined | Promise<NestAuthUser | null | undefined>;
  /**
   * The request property `@Auth()` reads an upstream user from and sets the authenticated user on,
   * and `@CurrentUser()` reads; match `PassportModule.register({ property })`. Default: `'user'`.
   */
  userProperty?: string;
  /**
   * The ready-made routes, returned from the `forRootAsync` factory: merged over the import-time
   * `routes`, which must mount them (`routes: true` or an object beside `useFactory`). With
   * `forRoot()`, `routes` is read at import time. Default: none.
   */
  routes?: boolean | MfaRoutesOptions;

  // Production hardening (docs/hardening.md).
  /**
   * Per-user limit on `generateRecoveryCode()` and `generateRecoveryCodes()` calls of
   * `MfaService`: at most `max` in a window of `windowMs` from the first (a whole set counts as
   * one call); excess is refused with 429 `too_many_generations` (`TooManyGenerationsException`)
   * before anything is hashed. Counted in the attempt store (`reserveQuota`), so it holds across
   * instances. A call can override it (`{ generationLimit }`); the ready-made routes apply
   * `routes.generationLimit` (default `{ max: 30, windowMs: 600000 }`) instead.
   * Default: none, so the product page's loop of ten concurrent `generateRecoveryCode()` calls
   * works however often it runs.
   */
  generationLimit?: MfaGenerationLimit | false;
  /**
   * OpenTelemetry spans and metrics: `true`, or options (`includeUserId`, and providers other than
   * the global ones). Needs the optional peer `@opentelemetry/api`, loaded only when this is set;
   * without it the app fails to start, naming the fix. Spans and metrics never carry a code, and
   * carry the user id only with `includeUserId: true`. See docs/telemetry.md.
   * Default: `false` (nothing is loaded or recorded).
   */
  telemetry?: boolean | MfaTelemetryOptions;
}
