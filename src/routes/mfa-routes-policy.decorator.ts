import { applyDecorators, UseGuards, UseInterceptors } from '@nestjs/common';
import { BodyDerivedHeadersInterceptor } from './body-derived-headers.interceptor.js';
import { MfaRequestPolicyGuard } from './mfa-request-policy.guard.js';

/**
 * @internal The ready-made routes' HTTP hardening, as one class decorator: the request policy
 * (JSON only, same origin only; see `MfaRequestPolicyGuard`) and no body-derived response
 * headers. Put it below the routes' other class decorators, so that its guard runs first.
 */
export function MfaRoutesPolicy(): ClassDecorator {
  return applyDecorators(
    UseGuards(MfaRequestPolicyGuard),
    UseInterceptors(BodyDerivedHeadersInterceptor),
  );
}
