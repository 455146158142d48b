import type { AttemptStore } from './attempt-store.interface.js';

/** @internal The methods an `AttemptStore` must have, in the order the interface declares them. */
export const ATTEMPT_STORE_METHODS = [
  'reserveAttempt',
  'resetAttempts',
  'releaseFailure',
  'reserveQuota',
] as const satisfies readonly (keyof AttemptStore)[];

/** @internal Whether a value has every method of `AttemptStore`. */
export function isAttemptStore(value: unknown): value is AttemptStore {
  return (
    typeof value === 'object' &&
    value !== null &&
    ATTEMPT_STORE_METHODS.every(
      (method) => typeof (value as Record<string, unknown>)[method] === 'function',
    )
  );
}
