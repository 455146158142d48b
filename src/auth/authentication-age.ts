import { MAX_AUTHENTICATED_AT_SKEW_MS } from '../mfa.constants.js';

// A date-time with a time zone, as `Date#toISOString()` writes it. Without a zone `Date.parse`
// reads local time, and looser formats vary by engine, so they count as invalid.
const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * @internal `authenticatedAt` as epoch ms: a `Date`, a finite number of ms, or an ISO 8601
 * date-time with a time zone. `undefined` for anything else (missing, NaN, an invalid `Date`, an
 * unparseable string).
 */
export function authenticatedAtMs(value: unknown): number | undefined {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else if (typeof value === 'string' && ISO_DATE_TIME.test(value)) ms = Date.parse(value);
  else return undefined;
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * @internal Whether a sign-in at `authenticatedAt` is at most `maxAuthAge` ms old at `now`. Missing
 * or invalid values, and values more than `MAX_AUTHENTICATED_AT_SKEW_MS` in the future, are stale.
 */
export function isRecentAuthentication(
  authenticatedAt: unknown,
  maxAuthAge: number,
  now: number,
): boolean {
  const at = authenticatedAtMs(authenticatedAt);
  if (at === undefined || at > now + MAX_AUTHENTICATED_AT_SKEW_MS) return false;
  return now - at <= maxAuthAge;
}

/** @internal Whether a user still owes the second factor. Only `undefined`, `null` and `false` do not. */
export function isMfaPending(user: { mfaPending?: unknown }): boolean {
  return user.mfaPending !== undefined && user.mfaPending !== null && user.mfaPending !== false;
}
