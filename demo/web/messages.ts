import { isNestAuthError } from '../../src/client/index.js';
import { DemoApiError } from './demo-api.js';

/** "15 minutes", "1 minute", "45 seconds". */
export function duration(seconds: number): string {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/** "0:09", "14:59". */
export function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** "9 recovery codes", "1 recovery code", "no recovery codes". */
export function codesLeft(remaining: number): string {
  if (remaining === 0) return 'no recovery codes';
  return `${remaining} recovery code${remaining === 1 ? '' : 's'}`;
}

/** A sentence a person can act on, for any failure of the library's client or the demo's API. */
export function describeError(error: unknown): string {
  if (error instanceof DemoApiError) return error.message;
  if (!isNestAuthError(error)) return 'Something went wrong. Try again.';
  switch (error.error) {
    case 'invalid_recovery_code':
      return 'That code is wrong or has already been used. Check it, or try another of your codes.';
    case 'too_many_attempts':
      // No retryAfter: the lock after maxConsecutiveFailures, which no wait ends.
      return error.retryAfter === null
        ? 'Too many wrong codes in a row: recovery codes are locked until support unlocks them or you generate a new set.'
        : `Too many wrong codes. For your safety, recovery codes are locked for ${duration(error.retryAfter)}.`;
    case 'bad_request':
      return "That doesn't look like a recovery code. Type it as it was shown, for example a1b2c3d4-e5f6-7890-abcd.";
    case 'mfa_required':
      return 'Finish signing in with your authenticator or a recovery code first.';
    case 'unauthorized':
      return 'Your session has ended. Sign in again.';
    case 'store_unavailable':
      return 'Recovery codes are unavailable right now. Try again in a moment.';
    case 'network_error':
      return 'The demo server could not be reached. Check that it is still running.';
    default:
      return 'Something went wrong. Try again.';
  }
}
