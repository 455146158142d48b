import { DEFAULT_ROUTES_GENERATION_LIMIT } from '../mfa.constants.js';
import { MfaConfigurationError } from '../mfa.exceptions.js';
import { resolveGenerationLimit } from '../mfa-generation-limit.js';
import type { MfaGenerationLimit } from '../mfa-generation-limit.interface.js';
import type { MfaRoutesPolicyOptions } from './mfa-routes-policy-options.interface.js';

/** @internal `MfaRoutesPolicyOptions` with defaults applied and checked. */
export interface ResolvedMfaRoutesPolicy {
  /** Serialised origins (`URL#origin`), compared exactly. */
  trustedOrigins: ReadonlySet<string>;
  /** Passed to every generate call of the routes; `false`: none. */
  generationLimit: MfaGenerationLimit | false;
}

/**
 * @internal Applies the defaults of the routes' request policy and refuses nonsense at startup,
 * naming the option to fix. Part of the resolved `routes` (`ResolvedMfaRoutesOptions`).
 */
export function resolveRoutesPolicy(options: MfaRoutesPolicyOptions = {}): ResolvedMfaRoutesPolicy {
  const origins = options.trustedOrigins ?? [];
  if (!Array.isArray(origins)) {
    throw new MfaConfigurationError(
      "`routes.trustedOrigins` must be an array of origins: set for example `trustedOrigins: ['https://app.example.com']` in MfaModule.forRoot().",
    );
  }
  return {
    trustedOrigins: new Set(origins.map(toOrigin)),
    generationLimit: resolveGenerationLimit(
      'routes.generationLimit',
      options.generationLimit === undefined
        ? DEFAULT_ROUTES_GENERATION_LIMIT
        : options.generationLimit,
    ),
  };
}

function toOrigin(value: unknown): string {
  let origin: string | undefined;
  try {
    origin = typeof value === 'string' ? new URL(value).origin : undefined;
  } catch {
    origin = undefined;
  }
  // `URL#origin` of a full origin is the origin itself; a path, a query or a typo changes it.
  if (origin === undefined || origin === 'null' || origin !== value) {
    throw new MfaConfigurationError(
      `\`routes.trustedOrigins\` takes origins like 'https://app.example.com' (scheme, host and port, no path or trailing slash): fix ${JSON.stringify(value)} in MfaModule.forRoot().`,
    );
  }
  return origin;
}
