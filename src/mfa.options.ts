import {
  DEFAULT_ATTEMPT_WINDOW_MS,
  DEFAULT_LOW_CODES_THRESHOLD,
  DEFAULT_MAX_ACTIVE_CODES,
  DEFAULT_MAX_ATTEMPTS,
  MAX_RECOVERY_CODES_PER_BATCH,
} from './mfa.constants.js';
import { MfaConfigurationError } from './mfa.exceptions.js';
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
  lowCodesThreshold: number;
  revokeAllOnReset: boolean;
  onMfaReset?: (userId: string) => void | Promise<void>;
}

/** @internal Applies defaults and refuses nonsense at startup, naming the option to fix. */
export function resolveMfaOptions(options: MfaModuleOptions = {}): ResolvedMfaOptions {
  const resolved: ResolvedMfaOptions = {
    maxActiveCodes: options.maxActiveCodes ?? DEFAULT_MAX_ACTIVE_CODES,
    codeFormat: options.codeFormat ?? 'hex',
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    attemptWindowMs: options.attemptWindowMs ?? DEFAULT_ATTEMPT_WINDOW_MS,
    lowCodesThreshold: options.lowCodesThreshold ?? DEFAULT_LOW_CODES_THRESHOLD,
    revokeAllOnReset: options.revokeAllOnReset ?? false,
    onMfaReset: options.onMfaReset,
  };
  requireInteger('maxActiveCodes', resolved.maxActiveCodes, 1, MAX_RECOVERY_CODES_PER_BATCH);
  requireInteger('maxAttempts', resolved.maxAttempts, 1, Number.MAX_SAFE_INTEGER);
  requireInteger('attemptWindowMs', resolved.attemptWindowMs, 1, Number.MAX_SAFE_INTEGER);
  requireInteger('lowCodesThreshold', resolved.lowCodesThreshold, 0, MAX_RECOVERY_CODES_PER_BATCH);
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
