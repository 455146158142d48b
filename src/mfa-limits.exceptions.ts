import { HttpStatus, ServiceUnavailableException } from '@nestjs/common';

/**
 * Message of `MfaOverloadedException`.
 * @publicApi
 */
export const MFA_OVERLOADED_MESSAGE =
  'Recovery codes are busy right now. Try again in a few seconds.';

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
