import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { NestAuthUser } from './nest-auth-user.interface.js';

/**
 * The user `@Auth()` authenticated; `@CurrentUser('id')` returns one property. `undefined` when
 * the route has no guard that sets `request.user`.
 * @example
 * generate(@CurrentUser() user: NestAuthUser) {}
 * status(@CurrentUser('id') userId: string) {}
 * @publicApi
 */
export const CurrentUser = createParamDecorator(
  (property: keyof NestAuthUser | undefined, context: ExecutionContext): unknown => {
    const user = context.switchToHttp().getRequest<{ user?: NestAuthUser }>().user;
    return property === undefined ? user : user?.[property];
  },
);
