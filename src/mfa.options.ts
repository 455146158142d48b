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
import { resolveGenerationLimit } from './mfa-generation-limit.js';
import type { MfaGenerationLimit } from './mfa-generation-limit.interface.js';
import {
  resolveTelemetryOptions,
  type ResolvedTelemetryOptions,
} from './telemetry/mfa-telemetry.options.js';
import type { MfaModuleOptions } from './mfa-module-options.interface.js';
import {
  describeRecoveryCodeFormat,
  type RecoveryCodeFormat,
} from './codes/recovery-code.format.js';

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
  /** `false`: no limit. */
  generationLimit: MfaGenerationLimit | false;
  telemetry: ResolvedTelemetryOptions;
}

/** @internal argon2id parameters and the hashing concurrency, with defaults applied. */
export interface ResolvedHashingOptions {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  maxConcurrency: number;
  /** `undefined`: derived from the measured hash time. */
  maxQueue: number | undefined;
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
      maxQueue: options.hashing?.maxQueue,
    },
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
  return resolved;
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
