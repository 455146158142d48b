import { availableParallelism } from 'node:os';
import {
  DEFAULT_ATTEMPT_WINDOW_MS,
  DEFAULT_HASHING_OPTIONS,
  DEFAULT_LOW_CODES_THRESHOLD,
  DEFAULT_MAX_ACTIVE_CODES,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_CONSECUTIVE_FAILURES,
  MAX_RECOVERY_CODES_PER_BATCH,
} from './mfa.constants.js';
import { MfaConfigurationError } from './mfa.exceptions.js';
import type { MfaNotify } from './mfa.notices.js';
import type { MfaModuleOptions, MfaPepperKey } from './mfa-module-options.interface.js';
import {
  describeRecoveryCodeFormat,
  type RecoveryCodeFormat,
} from './codes/recovery-code.format.js';
import { RecoveryCodeKeyring } from './codes/recovery-code.keyring.js';

/** @internal Shortest pepper key accepted, in bytes: HMAC-SHA256's block of strength. */
export const MIN_PEPPER_BYTES = 32;

/** @internal Options with every default applied. */
export interface ResolvedMfaOptions {
  maxActiveCodes: number;
  codeFormat: RecoveryCodeFormat;
  maxAttempts: number;
  attemptWindowMs: number;
  maxConsecutiveFailures: number;
  lowCodesThreshold: number;
  revokeAllOnReset: boolean;
  onMfaReset?: (userId: string) => void | Promise<void>;
  hashing: ResolvedHashingOptions;
  /** The pepper keys, current first; `null` without a pepper. */
  pepper: RecoveryCodeKeyring | null;
  notify?: MfaNotify;
  replaceOnUse: boolean;
}

/** @internal argon2id parameters and the hashing concurrency, with defaults applied. */
export interface ResolvedHashingOptions {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  maxConcurrency: number;
}

/** @internal Applies defaults and refuses nonsense at startup, naming the option to fix. */
export function resolveMfaOptions(options: MfaModuleOptions = {}): ResolvedMfaOptions {
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
    },
    pepper: resolvePepper(options.pepper),
    notify: options.notify,
    replaceOnUse: options.replaceOnUse ?? false,
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
  return resolved;
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
