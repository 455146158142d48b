import type { MfaGenerationLimit } from './mfa-generation-limit.interface.js';
import type { RecoveryCodeHashingOptions } from './mfa-module-options.interface.js';

/**
 * Default for `maxActiveCodes`: how many unused codes a user holds at once.
 * @publicApi
 */
export const DEFAULT_MAX_ACTIVE_CODES = 10;

/**
 * Default for `maxAttempts`: checks allowed per user within one attempt window.
 * @publicApi
 */
export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Default for `maxConsecutiveFailures`: failed checks in a row, across windows, before a user's codes
 * lock (NIST SP 800-63B-4 §3.2.2 allows no more than 100).
 * @publicApi
 */
export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 100;

/**
 * Default for `attemptWindowMs`: 15 minutes.
 * @publicApi
 */
export const DEFAULT_ATTEMPT_WINDOW_MS = 900_000;

/**
 * Default for `lowCodesThreshold`: a `low` event fires when a use leaves this many codes or fewer.
 * @publicApi
 */
export const DEFAULT_LOW_CODES_THRESHOLD = 2;

/**
 * Default argon2id parameters: the OWASP baseline (19 MiB, 2 passes, 1 lane).
 * @publicApi
 */
export const DEFAULT_HASHING_OPTIONS: Readonly<
  Required<Omit<RecoveryCodeHashingOptions, 'maxConcurrency' | 'maxQueue'>>
> = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

/**
 * Longest code input accepted before it is refused with 400, in characters.
 * @publicApi
 */
export const MAX_RECOVERY_CODE_INPUT_LENGTH = 64;

/**
 * Largest `count` accepted by `generateRecoveryCodes()`.
 * @publicApi
 */
export const MAX_RECOVERY_CODES_PER_BATCH = 100;

/**
 * Injection token of the module's options, checked and with every default applied
 * (`ResolvedMfaOptions`): `@Inject(MFA_MODULE_OPTIONS) options: ResolvedMfaOptions`. Exported by
 * `MfaModule`.
 * @publicApi
 */
export const MFA_MODULE_OPTIONS = Symbol('MFA_MODULE_OPTIONS');

/**
 * Default for `userProperty`: the request property `@Auth()` reads an upstream user from and
 * sets, and `@CurrentUser()` reads, as passport's default.
 * @publicApi
 */
export const DEFAULT_USER_PROPERTY = 'user';

/**
 * How far in the future an `authenticatedAt` may lie and still count, in ms (1 minute): room for
 * clock skew between the server that signed the user in and this one. Beyond it, `maxAuthAge`
 * checks treat the value as invalid, so as stale.
 * @publicApi
 */
export const MAX_AUTHENTICATED_AT_SKEW_MS = 60_000;

/**
 * Default `routes.generationLimit` of the ready-made routes: 30 generation calls per user in
 * 10 minutes (a set counts as one). `MfaService` itself has no limit unless `generationLimit` is set.
 * @publicApi
 */
export const DEFAULT_ROUTES_GENERATION_LIMIT: Readonly<MfaGenerationLimit> = Object.freeze({
  max: 30,
  windowMs: 600_000,
});
