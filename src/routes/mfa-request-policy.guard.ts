import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import {
  CrossOriginRequestException,
  JsonBodyRequiredException,
} from './mfa-request-policy.exceptions.js';
import { RESOLVED_MFA_OPTIONS } from '../mfa.internal-constants.js';
import type { ResolvedMfaOptions } from '../mfa.options.js';

/** @internal What the guard reads of an Express or Fastify request. */
interface PolicyRequest {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Methods that change state; GET, HEAD and OPTIONS change nothing and pass. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `application/json`, or a structured `+json` type such as `application/merge-patch+json`. */
const JSON_MEDIA_TYPE = /^application\/(?:json|[\w.!#$&^+-]+\+json)$/;

/**
 * @internal The request policy of the ready-made routes, checked before authentication, so a
 * refused request costs no hash, no attempt and no session lookup:
 *
 * 1. **JSON only.** A state-changing request that carries a body, or names a `Content-Type`, must
 *    be JSON; forms, `text/plain` and multipart are what a cross-site page can send without CORS.
 *    415 otherwise. A bodiless POST without `Content-Type` (the generate call) passes.
 * 2. **Same origin only**, from fetch metadata, as Go's `CrossOriginProtection` and the OWASP CSRF
 *    sheet describe. `Sec-Fetch-Site: same-origin` or `none` passes; `cross-site` or `same-site` is
 *    refused. Without it, an `Origin` whose host differs from `Host` is refused. Either refusal is
 *    lifted when `Origin` is in `routes.trustedOrigins`. Without both headers the caller is not a
 *    browser and passes. This also catches a bodiless `no-cors` POST, which rule 1 cannot see.
 */
@Injectable()
export class MfaRequestPolicyGuard implements CanActivate {
  private readonly trustedOrigins: ReadonlySet<string>;

  constructor(@Inject(RESOLVED_MFA_OPTIONS) options: ResolvedMfaOptions) {
    this.trustedOrigins = options.routes?.trustedOrigins ?? new Set();
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<PolicyRequest>();
    if (!STATE_CHANGING.has((request.method ?? '').toUpperCase())) return true;
    if (this.isCrossOrigin(request)) throw new CrossOriginRequestException();
    if (!isJsonOrBodiless(request)) throw new JsonBodyRequiredException();
    return true;
  }

  private isCrossOrigin(request: PolicyRequest): boolean {
    const origin = header(request, 'origin');
    const trusted = origin !== undefined && this.trustedOrigins.has(origin);
    const site = header(request, 'sec-fetch-site')?.toLowerCase();
    if (site !== undefined) {
      return site !== 'same-origin' && site !== 'none' && !trusted;
    }
    if (origin === undefined) return false;
    const host = header(request, 'host') ?? header(request, ':authority');
    return originHost(origin) !== host?.toLowerCase() && !trusted;
  }
}

function isJsonOrBodiless(request: PolicyRequest): boolean {
  const contentType = header(request, 'content-type');
  if (contentType !== undefined) {
    return JSON_MEDIA_TYPE.test((contentType.split(';')[0] ?? '').trim().toLowerCase());
  }
  const length = header(request, 'content-length');
  const chunked = header(request, 'transfer-encoding') !== undefined;
  return !chunked && (length === undefined || length.trim() === '0');
}

/** One header's value; a repeated header counts as its first value. */
function header(request: PolicyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `host[:port]` of an origin, lower-cased; `undefined` for `null` and anything unparsable. */
function originHost(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? undefined : url.host.toLowerCase();
  } catch {
    return undefined;
  }
}
