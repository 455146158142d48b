import {
  createParamDecorator,
  type ExecutionContext,
  type PipeTransform,
  type Type,
} from '@nestjs/common';
import type { NestAuthUser } from './nest-auth-user.interface.js';

// Typed explicitly: the inferred type names `ParameterDecoratorOptions`, which Nest 11 lacks, so the
// emitted .d.ts would not type-check in Nest 11 apps.
/**
 * The user `@Auth()` authenticated; `@CurrentUser('id')` returns one property. `undefined` when
 * the route has no guard that sets `request.user`.
 * @example
 * generate(@CurrentUser() user: NestAuthUser) {}
 * status(@CurrentUser('id') userId: string) {}
 * @publicApi
 */
export const CurrentUser: (
  ...dataOrPipes: (keyof NestAuthUser | PipeTransform | Type<PipeTransform> | undefined)[]
) => ParameterDecorator = createParamDecorator(
  (property: keyof NestAuthUser | undefined, context: ExecutionContext): unknown => {
    const user = context.switchToHttp().getRequest<{ user?: NestAuthUser }>().user;
    return property === undefined ? user : user?.[property];
  },
);
