import {
  createParamDecorator,
  type ExecutionContext,
  type PipeTransform,
  type Type,
} from '@nestjs/common';
import { getAuthRequest } from './auth-context.js';
import type { NestAuthUser } from './nest-auth-user.interface.js';
import { readRequestUser } from './request-user.js';

// Typed explicitly: the inferred type names `ParameterDecoratorOptions`, which Nest 11 lacks, so the
// emitted .d.ts would not type-check in Nest 11 apps.
/**
 * The user `@Auth()` authenticated, read from the request property it set (`userProperty`,
 * default `'user'`); `@CurrentUser('id')` returns one property. On a route without `@Auth()` it
 * reads `request.user`, and is `undefined` when nothing set it.
 * @example
 * generate(@CurrentUser() user: NestAuthUser) {}
 * status(@CurrentUser('id') userId: string) {}
 * @publicApi
 */
export const CurrentUser: (
  ...dataOrPipes: (keyof NestAuthUser | PipeTransform | Type<PipeTransform> | undefined)[]
) => ParameterDecorator = createParamDecorator(
  (property: keyof NestAuthUser | undefined, context: ExecutionContext): unknown => {
    const user = readRequestUser(getAuthRequest(context)) as NestAuthUser | null | undefined;
    return property === undefined ? user : user?.[property];
  },
);
