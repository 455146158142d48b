import { HttpException, HttpStatus, ServiceUnavailableException } from '@nestjs/common';

/**
 * Message of `TooManyGenerationsException`.
 * @publicApi
 */
export const TOO_MANY_GENERATIONS_MESSAGE =
  'Too many recovery codes were generated recently. Try again later.';

/**
 * Message of `MfaOverloadedException`.
 * @publicApi
 */
export const MFA_OVERLOADED_MESSAGE =
  'Recovery codes are busy right now. Try again in a few seconds.';

/**
 * 429 `too_many_generations`: the user reached `generationLimit` (or the ready-made routes'
 * `routes.generationLimit`). Nothing was generated and no earlier code was touched.
 * `retryAfterSeconds` (and `retryAfter` in the body) is the time until the window ends.
 * @publicApi
 */
export class TooManyGenerationsException extends HttpException {
  /** Whole seconds until the generation window ends (at least 1). */
  readonly retryAfterSeconds: number;

  constructor(retryAfterMs: number) {
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'too_many_generations',
        message: TOO_MANY_GENERATIONS_MESSAGE,
        retryAfter: retryAfterSeconds,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * 503 `overloaded`: the argon2 backlog is at `hashing.maxQueue`, so new work is refused rather than
 * queued without bound. Refused before anything is counted: no attempt, no generation, no hash.
 * `retryAfterSeconds` (and `retryAfter` in the body) is the time the backlog takes to drain.
 * @publicApi
 */
export class MfaOverloadedException extends ServiceUnavailableException {
  /** Whole seconds until the current backlog has drained (at least 1). */
  readonly retryAfterSeconds: number;

  constructor(retryAfterMs: number) {
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super({
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      error: 'overloaded',
      message: MFA_OVERLOADED_MESSAGE,
      retryAfter: retryAfterSeconds,
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
