import { applyDecorators, UseGuards, UseInterceptors } from '@nestjs/common';
import { MfaAuthGuard } from './mfa-auth.guard.js';
import { RetryAfterInterceptor } from './retry-after.interceptor.js';

/**
 * Requires an authenticated user (see `MfaAuthGuard`) and adds `Retry-After` to lockout responses.
 * Use on a handler or a controller.
 * @example
 * @Auth()
 * @Post('me/mfa/recovery-codes')
 * generate(@CurrentUser() user: NestAuthUser) {
 *   return this.mfa.generateRecoveryCode(user.id);
 * }
 * @publicApi
 */
export function Auth(): MethodDecorator & ClassDecorator {
  return applyDecorators(UseGuards(MfaAuthGuard), UseInterceptors(RetryAfterInterceptor));
}
