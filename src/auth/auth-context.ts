import type { ExecutionContext } from '@nestjs/common';
import type { NestAuthRequest } from '../mfa-module-options.interface.js';

/**
 * @internal The request object `@Auth()` authenticates and `@CurrentUser()` reads, for the
 * context the handler runs in. Only HTTP is handled here so far; GraphQL and WebSockets follow.
 */
export function getAuthRequest(context: ExecutionContext): NestAuthRequest {
  return context.switchToHttp().getRequest<NestAuthRequest>();
}
