import {
  BadRequestException,
  HttpException,
  HttpStatus,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { MAX_RECOVERY_CODE_INPUT_LENGTH, MAX_RECOVERY_CODES_PER_BATCH } from './mfa.constants.js';

/**
 * Message of `InvalidRecoveryCodeException`. The same for wrong, unknown, used and revoked codes.
 * @publicApi
 */
export const INVALID_RECOVERY_CODE_MESSAGE =
  'The recovery code is invalid or has already been used.';

/**
 * Message of `TooManyAttemptsException`.
 * @publicApi
 */
export const TOO_MANY_ATTEMPTS_MESSAGE = 'Too many recovery code attempts. Try again later.';

/**
 * Message of `TooManyAttemptsException` for the permanent lock of `maxConsecutiveFailures`.
 * @publicApi
 */
export const RECOVERY_CODES_LOCKED_MESSAGE =
  'Too many failed recovery code attempts. Recovery codes are locked until they are unlocked or a new set is generated.';

/**
 * Message of `RecoveryCodeInputException` for a malformed `code`.
 * @publicApi
 */
export const RECOVERY_CODE_INPUT_MESSAGE = `code must be a string of 1 to ${MAX_RECOVERY_CODE_INPUT_LENGTH} printable ASCII characters`;

/**
 * Message of `RecoveryCodeInputException` for a bad `count`.
 * @publicApi
 */
export const RECOVERY_CODE_COUNT_MESSAGE = `count must be an integer from 1 to ${MAX_RECOVERY_CODES_PER_BATCH}, and at most maxActiveCodes`;

/**
 * Message of `RecoveryCodeStoreUnavailableException`.
 * @publicApi
 */
export const STORE_UNAVAILABLE_MESSAGE =
  'Recovery codes are temporarily unavailable. Try again later.';

/**
 * Message of `AuthenticationRequiredException` (no signed-in user).
 * @publicApi
 */
export const AUTHENTICATION_REQUIRED_MESSAGE = 'Sign in to continue.';

/**
 * Message of `MfaRequiredException` (the session still owes the second factor).
 * @publicApi
 */
export const MFA_REQUIRED_MESSAGE =
  'Finish signing in with your second factor, or a recovery code, to continue.';

/**
 * Message of `ReauthenticationRequiredException` (the sign-in is too old for this action).
 * @publicApi
 */
export const REAUTHENTICATION_REQUIRED_MESSAGE =
  'This action needs a recent sign-in. Sign in again, then retry.';

/**
 * 401 `unauthorized`: no signed-in user (`@Auth()` found none, or `authenticate` threw an error
 * that is not an `HttpException`).
 * @publicApi
 */
export class AuthenticationRequiredException extends UnauthorizedException {
  constructor() {
    super({
      statusCode: HttpStatus.UNAUTHORIZED,
      error: 'unauthorized',
      message: AUTHENTICATION_REQUIRED_MESSAGE,
    });
  }
}

/**
 * 401 `mfa_required`: the session has passed the password step but still owes the second factor
 * (`mfaPending`), and the endpoint does not allow that (`@Auth()` without `allowMfaPending`).
 * @publicApi
 */
export class MfaRequiredException extends UnauthorizedException {
  constructor() {
    super({
      statusCode: HttpStatus.UNAUTHORIZED,
      error: 'mfa_required',
      message: MFA_REQUIRED_MESSAGE,
    });
  }
}

/**
 * 401 `reauthentication_required`: the session's `authenticatedAt` is older than the endpoint's
 * `maxAuthAge`, or missing or invalid.
 * @publicApi
 */
export class ReauthenticationRequiredException extends UnauthorizedException {
  constructor() {
    super({
      statusCode: HttpStatus.UNAUTHORIZED,
      error: 'reauthentication_required',
      message: REAUTHENTICATION_REQUIRED_MESSAGE,
    });
  }
}

/**
 * 401 `invalid_recovery_code`: wrong, unknown, used or revoked code, indistinguishably.
 * @publicApi
 */
export class InvalidRecoveryCodeException extends HttpException {
  constructor() {
    super(
      {
        statusCode: HttpStatus.UNAUTHORIZED,
        error: 'invalid_recovery_code',
        message: INVALID_RECOVERY_CODE_MESSAGE,
      },
      HttpStatus.UNAUTHORIZED,
    );
  }
}

/**
 * 429 `too_many_attempts`. For a full attempt window, the body has `retryAfter` and, on HTTP, the
 * response carries `Retry-After: <retryAfterSeconds>` (set by `MfaExceptionFilter`, which
 * `MfaModule` registers, on every route). For the permanent lock of `maxConsecutiveFailures`
 * (`retryAfterMs` `null`), the body has `permanent: true` and there is no `Retry-After`: waiting
 * does not help.
 * @publicApi
 */
export class TooManyAttemptsException extends HttpException {
  /** Whole seconds until the attempt window ends (at least 1); `null` for a permanent lock. */
  readonly retryAfterSeconds: number | null;
  /** Whether the user's codes are locked until an unlock or a new set. */
  readonly permanent: boolean;

  /** @param retryAfterMs Until the window ends, in ms; `null` for the permanent lock. */
  constructor(retryAfterMs: number | null) {
    const retryAfterSeconds =
      retryAfterMs === null ? null : Math.max(1, Math.ceil(retryAfterMs / 1000));
    const status = HttpStatus.TOO_MANY_REQUESTS;
    super(
      retryAfterSeconds === null
        ? {
            statusCode: status,
            error: 'too_many_attempts',
            message: RECOVERY_CODES_LOCKED_MESSAGE,
            permanent: true,
          }
        : {
            statusCode: status,
            error: 'too_many_attempts',
            message: TOO_MANY_ATTEMPTS_MESSAGE,
            retryAfter: retryAfterSeconds,
          },
      status,
    );
    this.retryAfterSeconds = retryAfterSeconds;
    this.permanent = retryAfterSeconds === null;
  }
}

/**
 * 400 for malformed input, in the same body shape as Nest's `ValidationPipe`
 * (`{ statusCode, error: 'Bad Request', message: string[] }`). Thrown before any hashing.
 * @publicApi
 */
export class RecoveryCodeInputException extends BadRequestException {
  constructor(message: string) {
    super([message]);
  }
}

/**
 * 503 `store_unavailable`: the store failed (for example the database is down). No code was
 * consumed without its effect. The cause is logged, never sent.
 * @publicApi
 */
export class RecoveryCodeStoreUnavailableException extends ServiceUnavailableException {
  constructor() {
    super({
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      error: 'store_unavailable',
      message: STORE_UNAVAILABLE_MESSAGE,
    });
  }
}

// It lives in its own file so that low layers (codes/) can throw it without importing HTTP.
export { MfaConfigurationError } from './mfa-configuration.error.js';
