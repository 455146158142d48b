import { applyDecorators, UseGuards, UseInterceptors } from '@nestjs/common';
import { BodyDerivedHeadersInterceptor } from './body-derived-headers.interceptor.js';
import { MfaRequestPolicyGuard } from './mfa-request-policy.guard.js';
import { RetryAfterHeaderInterceptor } from './retry-after-header.interceptor.js';

/**
 * @internal The ready-made routes' HTTP hardening, as one class decorator: the request policy
 * (JSON only, same origin only; see `MfaRequestPolicyGuard`), no body-derived response headers,
 * and `Retry-After` on every refusal that says when to retry. Put it below `@Auth()` so that its
 * guard runs first.
 */
export function MfaRoutesPolicy(): ClassDecorator {
  return applyDecorators(
    UseGuards(MfaRequestPolicyGuard),
    UseInterceptors(BodyDerivedHeadersInterceptor, RetryAfterHeaderInterceptor),
  );
}
