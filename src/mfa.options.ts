import { availableParallelism } from 'node:os';
import type { CanActivate, Type } from '@nestjs/common';
import type { NestAuthUser } from './auth/nest-auth-user.interface.js';
import {
  DEFAULT_ATTEMPT_WINDOW_MS,
  DEFAULT_HASHING_OPTIONS,
  DEFAULT_LOW_CODES_THRESHOLD,
  DEFAULT_MAX_ACTIVE_CODES,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_CONSECUTIVE_FAILURES,
  DEFAULT_USER_PROPERTY,
  MAX_RECOVERY_CODES_PER_BATCH,
} from './mfa.constants.js';
import { MfaConfigurationError } from './mfa.exceptions.js';
import type { MfaNotify } from './mfa.notices.js';
import type {
  MfaModuleOptions,
  MfaPepperKey,
  MfaRedeemedContext,
  MfaResetContext,
  MfaRoutesOptions,
  NestAuthRequest,
} from './mfa-module-options.interface.js';
import { resolveGenerationLimit } from './mfa-generation-limit.js';
import type { MfaGenerationLimit } from './mfa-generation-limit.interface.js';
import { resolveRoutesPolicy } from './routes/mfa-routes.policy.js';
import {
  resolveTelemetryOptions,
  type ResolvedTelemetryOptions,
} from './telemetry/mfa-telemetry.options.js';
import {
  describeRecoveryCodeFormat,
  type RecoveryCodeFormat,
} from './codes/recovery-code.format.js';
import { RecoveryCodeKeyring } from './codes/recovery-code.keyring.js';

import type { AttemptStore } from './store/attempt-store.interface.js';
import { ATTEMPT_STORE_METHODS } from './store/is-attempt-store.js';
import type { RecoveryCodeStore } from './store/recovery-code-store.interface.js';

/** @internal Shortest pepper key accepted, in bytes: HMAC-SHA256's block of strength. */
export const MIN_PEPPER_BYTES = 32;

/**
 * The module's options, checked at startup and with every default applied: what
 * `@Inject(MFA_MODULE_OPTIONS)` gives. The guard, the service, the store provider and the routes
 * all read this one object. See `MfaModuleOptions` for each option and its default.
 * @publicApi
 */
export interface ResolvedMfaOptions {
  /** See `MfaModuleOptions.maxActiveCodes`. */
  readonly maxActiveCodes: number;
  /** See `MfaModuleOptions.codeFormat`. */
  readonly codeFormat: RecoveryCodeFormat;
  /** See `MfaModuleOptions.maxAttempts`. */
  readonly maxAttempts: number;
  /** See `MfaModuleOptions.attemptWindowMs`. */
  readonly attemptWindowMs: number;
  /** See `MfaModuleOptions.maxConsecutiveFailures`. */
  readonly maxConsecutiveFailures: number;
  /** See `MfaModuleOptions.lowCodesThreshold`. */
  readonly lowCodesThreshold: number;
  /** See `MfaModuleOptions.revokeAllOnReset`. */
  readonly revokeAllOnReset: boolean;
  /** See `MfaModuleOptions.onMfaReset`. */
  readonly onMfaReset?: (userId: string, context?: MfaResetContext) => void | Promise<void>;
  /** See `MfaModuleOptions.hashing`. */
  readonly hashing: ResolvedHashingOptions;
  /** The store given, checked; `undefined` means the default `InMemoryRecoveryCodeStore`. */
  readonly store?: RecoveryCodeStore;
  /** The attempt store given, checked; `undefined` means `store` keeps the attempts too. */
  readonly attemptStore?: AttemptStore;
  /** See `MfaModuleOptions.authenticate`. */
  readonly authenticate?: (
    request: NestAuthRequest,
  ) => NestAuthUser | null | undefined | Promise<NestAuthUser | null | undefined>;
  /** See `MfaModuleOptions.userProperty`. */
  readonly userProperty: string;
  /** The ready-made routes' options, import-time and factory ones merged; `undefined` when not mounted. */
  readonly routes?: ResolvedMfaRoutesOptions;
  /**
   * @internal The pepper keys (`MfaModuleOptions.pepper`), current first, in a keyring that never
   * shows them; `null` without a pepper.
   */
  readonly pepper: RecoveryCodeKeyring | null;
  /** See `MfaModuleOptions.notify`. */
  readonly notify?: MfaNotify;
  /** See `MfaModuleOptions.replaceOnUse`. */
  readonly replaceOnUse: boolean;
  /** See `MfaModuleOptions.generationLimit`; `false`: no limit. */
  readonly generationLimit: MfaGenerationLimit | false;
  /** See `MfaModuleOptions.telemetry`; `false`: off. */
  readonly telemetry: ResolvedTelemetryOptions;
}

/**
 * argon2id parameters and the hashing concurrency, with defaults applied.
 * @publicApi
 */
export interface ResolvedHashingOptions {
  /** See `RecoveryCodeHashingOptions.memoryCost`. */
  readonly memoryCost: number;
  /** See `RecoveryCodeHashingOptions.timeCost`. */
  readonly timeCost: number;
  /** See `RecoveryCodeHashingOptions.parallelism`. */
  readonly parallelism: number;
  /** See `RecoveryCodeHashingOptions.maxConcurrency`. */
  readonly maxConcurrency: number;
  /** See `RecoveryCodeHashingOptions.maxQueue`; `undefined`: derived from the measured hash time. */
  readonly maxQueue: number | undefined;
}

/**
 * The ready-made routes' options, checked, with defaults applied.
 * @publicApi
 */
export interface ResolvedMfaRoutesOptions {
  /** See `MfaRoutesOptions.path`. */
  readonly path: string;
  /** See `MfaRoutesOptions.guards`. */
  readonly guards: readonly (CanActivate | Type<CanActivate>)[];
  /** See `MfaRoutesOptions.maxAuthAge`. */
  readonly maxAuthAge?: number;
  /** See `MfaRoutesOptions.onRedeemed`. */
  readonly onRedeemed?: (
    context: MfaRedeemedContext,
  ) => object | void | undefined | Promise<object | void | undefined>;
  /** See `MfaRoutesOptions.trustedOrigins`: serialised origins, compared exactly. */
  readonly trustedOrigins: ReadonlySet<string>;
  /** See `MfaRoutesOptions.generationLimit`; `false`: no limit. */
  readonly generationLimit: MfaGenerationLimit | false;
}

/** @internal What `forRoot()` / `forRootAsync()` were given at import time, beside the options. */
export interface MfaImportOptions {
  routes?: boolean | MfaRoutesOptions;
}

/** @internal Default prefix of the ready-made routes. */
export const DEFAULT_MFA_ROUTES_PATH = 'me/mfa';

/**
 * @internal The methods a store must have, one entry per method of `RecoveryCodeStore`; typed as
 * a record so the compiler flags this list when the interface changes.
 */
const RECOVERY_CODE_STORE_METHODS = Object.keys({
  replaceAll: true,
  append: true,
  findActive: true,
  consume: true,
  restore: true,
  status: true,
  revokeAll: true,
} satisfies Record<keyof RecoveryCodeStore, true>);

/** @internal Keys `routes` may have; anything else is a typo worth failing on. */
const ROUTES_KEYS: readonly string[] = [
  'path',
  'guards',
  'maxAuthAge',
  'onRedeemed',
  'trustedOrigins',
  'generationLimit',
] satisfies (keyof MfaRoutesOptions)[];

/**
 * @internal Applies defaults and refuses nonsense at startup, naming the option to fix. `imported`
 * holds what was given at import time (the routes to mount).
 */
export function resolveMfaOptions(
  options: MfaModuleOptions = {},
  imported: MfaImportOptions = {},
): ResolvedMfaOptions {
  if (typeof options !== 'object' || options === null) {
    throw new MfaConfigurationError(
      `MfaModule options must be an object: return one from the forRootAsync() factory (got ${describeValue(options)}).`,
    );
  }
  const resolved: ResolvedMfaOptions = {
    maxActiveCodes: options.maxActiveCodes ?? DEFAULT_MAX_ACTIVE_CODES,
    codeFormat: options.codeFormat ?? 'hex',
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    attemptWindowMs: options.attemptWindowMs ?? DEFAULT_ATTEMPT_WINDOW_MS,
    maxConsecutiveFailures: options.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES,
    lowCodesThreshold: options.lowCodesThreshold ?? DEFAULT_LOW_CODES_THRESHOLD,
    revokeAllOnReset: options.revokeAllOnReset ?? false,
    onMfaReset: options.onMfaReset,
    hashing: {
      memoryCost: options.hashing?.memoryCost ?? DEFAULT_HASHING_OPTIONS.memoryCost,
      timeCost: options.hashing?.timeCost ?? DEFAULT_HASHING_OPTIONS.timeCost,
      parallelism: options.hashing?.parallelism ?? DEFAULT_HASHING_OPTIONS.parallelism,
      maxConcurrency: options.hashing?.maxConcurrency ?? defaultHashConcurrency(),
      maxQueue: options.hashing?.maxQueue,
    },
    store: options.store,
    attemptStore: options.attemptStore,
    authenticate: options.authenticate,
    userProperty: options.userProperty ?? DEFAULT_USER_PROPERTY,
    routes: resolveRoutes(imported.routes, options.routes),
    pepper: resolvePepper(options.pepper),
    notify: options.notify,
    replaceOnUse: options.replaceOnUse ?? false,
    generationLimit: resolveGenerationLimit('generationLimit', options.generationLimit),
    telemetry: resolveTelemetryOptions(options.telemetry),
  };
  requireInteger('maxActiveCodes', resolved.maxActiveCodes, 1, MAX_RECOVERY_CODES_PER_BATCH);
  requireInteger('maxAttempts', resolved.maxAttempts, 1, Number.MAX_SAFE_INTEGER);
  requireInteger('attemptWindowMs', resolved.attemptWindowMs, 1, Number.MAX_SAFE_INTEGER);
  requireInteger(
    'maxConsecutiveFailures',
    resolved.maxConsecutiveFailures,
    1,
    Number.MAX_SAFE_INTEGER,
  );
  requireInteger('lowCodesThreshold', resolved.lowCodesThreshold, 0, MAX_RECOVERY_CODES_PER_BATCH);
  // argon2's own bounds: at least 8 KiB of memory per lane, one pass, one lane.
  const { hashing } = resolved;
  requireInteger('hashing.parallelism', hashing.parallelism, 1, 2 ** 24 - 1);
  requireInteger('hashing.memoryCost', hashing.memoryCost, 8 * hashing.parallelism, 2 ** 32 - 1);
  requireInteger('hashing.timeCost', hashing.timeCost, 1, 2 ** 32 - 1);
  requireInteger('hashing.maxConcurrency', hashing.maxConcurrency, 1, Number.MAX_SAFE_INTEGER);
  if (hashing.maxQueue !== undefined) {
    // A set is admitted whole, so the largest one must fit.
    const min = resolved.maxActiveCodes;
    requireInteger('hashing.maxQueue', hashing.maxQueue, min, Number.MAX_SAFE_INTEGER);
  }
  describeRecoveryCodeFormat(resolved.codeFormat); // throws with the fix for an unknown format
  if (resolved.onMfaReset !== undefined && typeof resolved.onMfaReset !== 'function') {
    throw new MfaConfigurationError(
      '`onMfaReset` must be a function: set `onMfaReset: (userId) => …` in MfaModule.forRoot().',
    );
  }
  if (resolved.notify !== undefined && typeof resolved.notify !== 'function') {
    throw new MfaConfigurationError(
      '`notify` must be a function: set `notify: (notice) => …` in MfaModule.forRoot().',
    );
  }
  if (typeof resolved.replaceOnUse !== 'boolean') {
    throw new MfaConfigurationError(
      '`replaceOnUse` must be true or false: fix it in MfaModule.forRoot().',
    );
  }
  if (resolved.authenticate !== undefined && typeof resolved.authenticate !== 'function') {
    throw new MfaConfigurationError(
      `\`authenticate\` must be a function \`(request) => user | null\`: fix it in MfaModule.forRoot(), or leave it out to accept the user passport or a middleware set (got ${describeValue(resolved.authenticate)}).`,
    );
  }
  assertUserProperty(resolved.userProperty);
  assertStore('store', resolved.store, RECOVERY_CODE_STORE_METHODS, 'RecoveryCodeStore');
  assertStore('attemptStore', resolved.attemptStore, ATTEMPT_STORE_METHODS, 'AttemptStore');
  return Object.freeze(resolved);
}

/**
 * @internal Refuses a store that is not an object with every method of its interface, naming the
 * missing ones. `undefined` passes (the default store is used). Call it once per store port.
 */
export function assertStore(
  option: string,
  store: unknown,
  methods: readonly string[],
  interfaceName: string,
): void {
  if (store === undefined) return;
  if (typeof store === 'function') {
    throw new MfaConfigurationError(
      `\`${option}\` must be a ${interfaceName} instance, not a class or function: write \`${option}: new ${store.name || 'YourStore'}(…)\` in MfaModule.forRoot().`,
    );
  }
  if (typeof store !== 'object' || store === null) {
    throw new MfaConfigurationError(
      `\`${option}\` must be an object implementing ${interfaceName}, such as \`new InMemoryRecoveryCodeStore()\` (got ${describeValue(store)}).`,
    );
  }
  const missing = methods.filter(
    (method) => typeof (store as Record<string, unknown>)[method] !== 'function',
  );
  if (missing.length > 0) {
    throw new MfaConfigurationError(
      `\`${option}\` does not implement ${interfaceName}: it lacks ${missing.join(', ')}. Implement them, and prove the adapter with describe${interfaceName}() from @nest-auth/mfa/testing.`,
    );
  }
}

// A property name, and not one that reaches the prototype.
function assertUserProperty(property: unknown): void {
  if (
    typeof property !== 'string' ||
    !/^[A-Za-z_$][\w$]*$/.test(property) ||
    ['__proto__', 'constructor', 'prototype'].includes(property)
  ) {
    throw new MfaConfigurationError(
      `\`userProperty\` must be a property name such as 'user' or 'principal', the same as PassportModule.register({ property }) (got ${describeValue(property)}).`,
    );
  }
}

/**
 * The import-time routes (which mount the controller) merged with those the options factory
 * returned. `undefined` when the routes are not mounted.
 */
function resolveRoutes(
  mounted: MfaImportOptions['routes'],
  fromOptions: MfaModuleOptions['routes'],
): ResolvedMfaRoutesOptions | undefined {
  const base = routesObject('routes', mounted);
  const extra = routesObject('routes (from the options factory)', fromOptions);
  if (!base) {
    if (extra) {
      throw new MfaConfigurationError(
        'The options factory returned `routes`, but the routes are mounted at import time: pass `routes: true` (or `routes: { path }`) to MfaModule.forRootAsync() beside useFactory.',
      );
    }
    return undefined;
  }
  const path = base.path ?? DEFAULT_MFA_ROUTES_PATH;
  if (extra?.path !== undefined && extra.path !== path) {
    throw new MfaConfigurationError(
      '`routes.path` is read at import time: move it from the options factory to MfaModule.forRootAsync({ routes: { path } }).',
    );
  }
  const merged = { ...base, ...extra, path };
  if (typeof merged.path !== 'string') {
    throw new MfaConfigurationError(
      `\`routes.path\` must be a string such as 'me/mfa' (got ${describeValue(merged.path)}).`,
    );
  }
  const guards = merged.guards ?? [];
  if (
    !Array.isArray(guards) ||
    !guards.every(
      (guard) =>
        typeof guard === 'function' ||
        (typeof guard === 'object' &&
          guard !== null &&
          typeof (guard as CanActivate).canActivate === 'function'),
    )
  ) {
    throw new MfaConfigurationError(
      "`routes.guards` must be an array of guard classes or instances, such as `[AuthGuard('jwt')]`.",
    );
  }
  if (merged.maxAuthAge !== undefined) {
    requireInteger('routes.maxAuthAge', merged.maxAuthAge, 1, Number.MAX_SAFE_INTEGER);
  }
  if (merged.onRedeemed !== undefined && typeof merged.onRedeemed !== 'function') {
    throw new MfaConfigurationError(
      '`routes.onRedeemed` must be a function `({ user, request, response, remaining }) => fields`.',
    );
  }
  return Object.freeze({
    path: merged.path,
    guards: Object.freeze([...guards]),
    maxAuthAge: merged.maxAuthAge,
    onRedeemed: merged.onRedeemed,
    ...resolveRoutesPolicy(merged),
  });
}

function routesObject(name: string, routes: unknown): MfaRoutesOptions | undefined {
  if (routes === undefined || routes === false) return undefined;
  if (routes === true) return {};
  if (typeof routes !== 'object' || routes === null || Array.isArray(routes)) {
    throw new MfaConfigurationError(
      `\`${name}\` must be \`true\` or an object of route options (got ${describeValue(routes)}).`,
    );
  }
  const unknown = Object.keys(routes).filter((key) => !ROUTES_KEYS.includes(key));
  if (unknown.length > 0) {
    throw new MfaConfigurationError(
      `\`${name}\` has unknown options ${unknown.join(', ')}: the route options are ${ROUTES_KEYS.join(', ')}.`,
    );
  }
  return routes as MfaRoutesOptions;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * @internal Checks the pepper keys and copies them into a keyring. Messages name the key by its
 * place in the option and its length, never its value.
 */
function resolvePepper(pepper: MfaModuleOptions['pepper']): RecoveryCodeKeyring | null {
  if (pepper === undefined) return null;
  if (isPepperKey(pepper)) return new RecoveryCodeKeyring([pepperBytes('pepper', pepper)]);
  if (typeof pepper !== 'object' || pepper === null || !('current' in pepper)) {
    throw new MfaConfigurationError(
      '`pepper` must be a key (a string or Buffer of at least 32 bytes) or `{ current, previous? }`: fix it in MfaModule.forRoot().',
    );
  }
  const previous: unknown = pepper.previous ?? [];
  if (!Array.isArray(previous)) {
    throw new MfaConfigurationError(
      '`pepper.previous` must be an array of keys: fix it in MfaModule.forRoot().',
    );
  }
  const keys = [
    pepperBytes('pepper.current', pepper.current),
    ...previous.map((key: unknown, i) => pepperBytes(`pepper.previous[${i}]`, key)),
  ];
  // A key listed twice would only cost a second store read per attempt.
  return new RecoveryCodeKeyring(
    keys.filter((key, i) => keys.findIndex((k) => k.equals(key)) === i),
  );
}

function isPepperKey(value: unknown): value is MfaPepperKey {
  return typeof value === 'string' || Buffer.isBuffer(value);
}

function pepperBytes(name: string, key: unknown): Buffer {
  if (!isPepperKey(key)) {
    throw new MfaConfigurationError(
      `\`${name}\` must be a string or a Buffer: fix it in MfaModule.forRoot().`,
    );
  }
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  if (bytes.length < MIN_PEPPER_BYTES) {
    throw new MfaConfigurationError(
      `\`${name}\` must be at least ${MIN_PEPPER_BYTES} bytes (got ${bytes.length}): generate one with \`openssl rand -base64 32\` and keep it outside the store, for example in an environment variable or a secret manager.`,
    );
  }
  return bytes;
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new MfaConfigurationError(
      `\`${name}\` must be an integer from ${min} to ${max}: fix it in MfaModule.forRoot() (got ${String(value)}).`,
    );
  }
}

/**
 * @internal One less than libuv's thread pool (so file system and DNS calls always find a thread),
 * and no more than the cores that can run the hashes.
 */
export function defaultHashConcurrency(): number {
  const pool = Number.parseInt(process.env.UV_THREADPOOL_SIZE ?? '', 10) || 4;
  return Math.max(1, Math.min(availableParallelism(), pool - 1));
}

/**
 * @internal OWASP's Password Storage Cheat Sheet: argon2id configurations of equal strength, as
 * [memoryCost in KiB, timeCost] with parallelism 1. Any of them is the minimum.
 */
export const OWASP_ARGON2ID_MINIMUMS: readonly (readonly [number, number])[] = [
  [47_104, 1],
  [19_456, 2],
  [12_288, 3],
  [9_216, 4],
  [7_168, 5],
];

/** @internal The most consecutive failures NIST SP 800-63B-4 §3.2.2 allows. */
export const NIST_MAX_CONSECUTIVE_FAILURES = 100;

/**
 * @internal Settings that work but fall short of a standard, one message each, for a startup
 * warning. Each message names the option and the way up.
 */
export function weakSettingWarnings(resolved: ResolvedMfaOptions): string[] {
  const warnings: string[] = [];
  const { memoryCost, timeCost } = resolved.hashing;
  // Memory needed at this many passes; past five passes OWASP lists no lower memory.
  const needed = (passes: number): number =>
    OWASP_ARGON2ID_MINIMUMS.find(([, t]) => t === Math.min(passes, 5))?.[0] ?? Infinity;
  if (memoryCost < needed(timeCost)) {
    const list = OWASP_ARGON2ID_MINIMUMS.map(([m, t]) => `m=${m} t=${t}`).join(', ');
    // Name the parameter to raise: passes when more of them would do at this memory, else memory.
    const enoughPasses = OWASP_ARGON2ID_MINIMUMS.find(([m, t]) => t > timeCost && memoryCost >= m);
    warnings.push(
      enoughPasses
        ? `\`hashing.timeCost\` ${timeCost} at \`hashing.memoryCost\` ${memoryCost} KiB is below the OWASP minimum for argon2id (${list}, p=1): raise \`hashing.timeCost\` to ${enoughPasses[1]}, or \`hashing.memoryCost\` to ${needed(timeCost)}.`
        : `\`hashing.memoryCost\` ${memoryCost} KiB at \`hashing.timeCost\` ${timeCost} is below the OWASP minimum for argon2id (${list}, p=1): raise \`hashing.memoryCost\` to ${needed(timeCost)}.`,
    );
  }
  if (resolved.maxConsecutiveFailures > NIST_MAX_CONSECUTIVE_FAILURES) {
    warnings.push(
      `\`maxConsecutiveFailures\` ${resolved.maxConsecutiveFailures} is above the ${NIST_MAX_CONSECUTIVE_FAILURES} consecutive failed attempts that NIST SP 800-63B-4 §3.2.2 allows: keep it at ${NIST_MAX_CONSECUTIVE_FAILURES} or less outside tests and benchmarks.`,
    );
  }
  return warnings;
}
