import {
  applyDecorators,
  SetMetadata,
  UseFilters,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { MfaConfigurationError } from '../mfa.exceptions.js';
import { MFA_AUTH_OPTIONS_METADATA } from '../mfa.internal-constants.js';
import type { MfaAuthOptions } from './mfa-auth-options.interface.js';
import { MfaAuthGuard } from './mfa-auth.guard.js';
import { MfaExceptionFilter } from './mfa-exception.filter.js';
import { RetryAfterInterceptor } from './retry-after.interceptor.js';

/**
 * Requires a signed-in user who has completed MFA (see `MfaAuthGuard`). `allowMfaPending` also
 * admits a session that still owes the second factor; `maxAuthAge` requires a recent sign-in.
 * Use on a handler or a controller; a handler's `@Auth()` overrides its controller's. It also binds
 * `MfaExceptionFilter`, so the library's errors keep their shape on every transport.
 * @example
 * @Auth()
 * @Post('me/mfa/recovery-codes')
 * generate(@CurrentUser() user: NestAuthUser) {
 *   return this.mfa.generateRecoveryCode(user.id);
 * }
 *
 * @Auth({ allowMfaPending: true })
 * @Post('me/mfa/reset')
 * reset(@CurrentUser('id') userId: string, @Body() body: ResetMfaDto) {}
 * @publicApi
 */
export function Auth(options: MfaAuthOptions = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(MFA_AUTH_OPTIONS_METADATA, checkAuthOptions(options)),
    UseGuards(MfaAuthGuard),
    // Nest applies no global filter to WebSocket gateways, and its default one echoes the message
    // data (the typed code) in `cause`: bound here, no gateway can forget it.
    UseFilters(MfaExceptionFilter),
    // Also sets `Retry-After` when the app's own filter, not MfaExceptionFilter, answers a 429.
    UseInterceptors(RetryAfterInterceptor),
  );
}

// Decorators run when the class is defined, so a wrong option fails at startup, at its line.
function checkAuthOptions(options: MfaAuthOptions): Readonly<MfaAuthOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new MfaConfigurationError(
      '@Auth() takes an options object: @Auth({ maxAuthAge: 300_000 }).',
    );
  }
  const { allowMfaPending, maxAuthAge } = options;
  if (allowMfaPending !== undefined && typeof allowMfaPending !== 'boolean') {
    throw new MfaConfigurationError('@Auth({ allowMfaPending }) must be true or false.');
  }
  if (maxAuthAge !== undefined && (!Number.isSafeInteger(maxAuthAge) || maxAuthAge < 1)) {
    throw new MfaConfigurationError(
      `@Auth({ maxAuthAge }) must be a whole number of ms, at least 1 (got ${String(maxAuthAge)}); leave it out for no age limit.`,
    );
  }
  return Object.freeze({ allowMfaPending, maxAuthAge });
}
