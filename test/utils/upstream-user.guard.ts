import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';

/**
 * Stands in for passport: a global guard that sets `request.user` from the `x-user-id` header
 * and lets every request through, leaving the decision to `@Auth()`.
 */
@Injectable()
export class UpstreamUserGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, unknown>; user?: unknown }>();
    const id = request.headers['x-user-id'];
    if (typeof id === 'string' && id) request.user = { id, name: `${id} upstream` };
    return true;
  }
}
