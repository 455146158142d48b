import { MfaConfigurationError } from './mfa.exceptions.js';
import type { MfaGenerationLimit } from './mfa-generation-limit.interface.js';

/**
 * @internal Checks a generation limit (`undefined` and `false` mean none), naming the option to fix.
 * Returns a copy, so a caller's later edits change nothing.
 */
export function resolveGenerationLimit(name: string, value: unknown): MfaGenerationLimit | false {
  if (value === undefined || value === false) return false;
  const { max, windowMs } = (typeof value === 'object' && value !== null ? value : {}) as {
    max?: unknown;
    windowMs?: unknown;
  };
  if (!isPositiveInteger(max) || !isPositiveInteger(windowMs)) {
    throw new MfaConfigurationError(
      `\`${name}\` must be \`false\` or \`{ max, windowMs }\` with positive integers, for example \`{ max: 30, windowMs: 600000 }\`: fix it in MfaModule.forRoot() (got ${safeJson(value)}).`,
    );
  }
  return { max, windowMs };
}

function isPositiveInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
