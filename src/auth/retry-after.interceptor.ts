import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, type Observable } from 'rxjs';
import { TooManyAttemptsException } from '../mfa.exceptions.js';
import { MfaOverloadedException, TooManyGenerationsException } from '../mfa-limits.exceptions.js';

/** @internal Express (`res.header`/`res.setHeader`) and Fastify (`reply.header`) responses. */
interface HeaderWritable {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

/**
 * Adds `Retry-After` (seconds) to a 429 `too_many_attempts` or `too_many_generations`, or a 503
 * `overloaded`, of the handlers it is bound to, on Express and Fastify, before any exception
 * filter runs. `MfaExceptionFilter` (registered by
 * `MfaModule`) already sets the header on every route; `@Auth()` and the ready-made routes keep
 * this interceptor too, so the header survives an app filter that answers the 429 instead. Kept
 * for apps that bind it themselves with `@UseInterceptors(RetryAfterInterceptor)`.
 * @publicApi
 */
@Injectable()
export class RetryAfterInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        // A permanent lock has no Retry-After: waiting does not lift it.
        const retryable =
          (error instanceof TooManyAttemptsException ||
            error instanceof TooManyGenerationsException ||
            error instanceof MfaOverloadedException) &&
          error.retryAfterSeconds !== null;
        if (retryable && context.getType() === 'http') {
          const response = context.switchToHttp().getResponse<HeaderWritable>();
          const value = String(error.retryAfterSeconds);
          if (typeof response.header === 'function') response.header('Retry-After', value);
          else response.setHeader?.('Retry-After', value);
        }
        throw error;
      }),
    );
  }
}
