import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, type Observable } from 'rxjs';
import { MfaOverloadedException, TooManyGenerationsException } from '../mfa-limits.exceptions.js';

/** @internal Express (`res.header`/`res.setHeader`) and Fastify (`reply.header`) responses. */
interface HeaderWritable {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

/**
 * @internal Adds `Retry-After` (seconds) to the refusals of the ready-made routes that `@Auth()`'s
 * `RetryAfterInterceptor` does not cover (429 `too_many_generations`, 503 `overloaded`), on Express
 * and Fastify.
 */
@Injectable()
export class RetryAfterHeaderInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        const seconds = retryAfterSeconds(error);
        if (seconds !== undefined && context.getType() === 'http') {
          const response = context.switchToHttp().getResponse<HeaderWritable>();
          const value = String(seconds);
          if (typeof response.header === 'function') response.header('Retry-After', value);
          else response.setHeader?.('Retry-After', value);
        }
        throw error;
      }),
    );
  }
}

function retryAfterSeconds(error: unknown): number | undefined {
  return error instanceof MfaOverloadedException || error instanceof TooManyGenerationsException
    ? error.retryAfterSeconds
    : undefined;
}
