import {
  Catch,
  Injectable,
  type ArgumentsHost,
  type ExceptionFilter,
  type HttpException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  AuthenticationRequiredException,
  InvalidRecoveryCodeException,
  MfaRequiredException,
  ReauthenticationRequiredException,
  RecoveryCodeInputException,
  RecoveryCodeStoreUnavailableException,
  TooManyAttemptsException,
} from '../mfa.exceptions.js';
import { MfaOverloadedException, TooManyGenerationsException } from '../mfa-limits.exceptions.js';
import { deliverContextError } from './context-errors.js';

/**
 * Answers the library's own exceptions, and only those. On HTTP (Express and Fastify) it sends
 * Nest's usual response, the exception's body and status, and adds `Retry-After` (seconds) to a
 * 429 `too_many_attempts`, whichever guard protects the route. On GraphQL and WebSockets it hands
 * the exception to the transport's error delivery. The same for 429 `too_many_generations` and
 * 503 `overloaded`, which carry `Retry-After` too.
 *
 * `MfaModule` registers it app-wide (`APP_FILTER`), and `@Auth()` binds it to its handlers, since
 * Nest applies no global filter to WebSocket gateways. Elsewhere, a filter bound closer to a
 * handler (`@UseFilters()`) or registered with `app.useGlobalFilters()` that catches the same
 * exceptions takes precedence; the exception keeps `retryAfterSeconds` for such a filter.
 * @publicApi
 */
@Catch(
  AuthenticationRequiredException,
  MfaRequiredException,
  ReauthenticationRequiredException,
  InvalidRecoveryCodeException,
  TooManyAttemptsException,
  RecoveryCodeInputException,
  RecoveryCodeStoreUnavailableException,
  TooManyGenerationsException,
  MfaOverloadedException,
)
@Injectable()
export class MfaExceptionFilter implements ExceptionFilter<HttpException> {
  /** Nest injects the HTTP adapter host, which writes headers and replies on either adapter. */
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Replies on HTTP; delegates every other transport. */
  catch(exception: HttpException, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') return deliverContextError(exception, host);
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    // As Nest's own handler: a response already under way can only be ended.
    if (adapter.isHeadersSent(response)) {
      adapter.end(response);
      return undefined;
    }
    // A permanent lock (maxConsecutiveFailures) has no Retry-After: waiting does not lift it.
    if (
      (exception instanceof TooManyAttemptsException ||
        exception instanceof TooManyGenerationsException ||
        exception instanceof MfaOverloadedException) &&
      exception.retryAfterSeconds !== null
    ) {
      adapter.setHeader(response, 'Retry-After', String(exception.retryAfterSeconds));
    }
    adapter.reply(response, exception.getResponse(), exception.getStatus());
    return undefined;
  }
}
