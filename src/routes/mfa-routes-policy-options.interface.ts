import type { MfaGenerationLimit } from '../mfa-generation-limit.interface.js';

/**
 * The request policy of the ready-made routes: which cross-origin callers are trusted, and how
 * often a user may generate. Part of `MfaRoutesOptions`.
 * @publicApi
 */
export interface MfaRoutesPolicyOptions {
  /**
   * Origins (`scheme://host[:port]`, no path) allowed to call the state-changing routes from
   * another site, for example a front end on its own domain. Requests whose `Sec-Fetch-Site` is
   * `cross-site` or `same-site`, or whose `Origin` differs from the request's `Host`, are refused
   * with 403 `cross_origin_request` unless their `Origin` is listed here. Default: `[]` (same
   * origin only; requests without `Sec-Fetch-Site` and `Origin`, from non-browser clients, pass).
   */
  trustedOrigins?: readonly string[];
  /**
   * Generation limit of the routes, in place of the module's `generationLimit`; `false` for none.
   * Excess answers 429 `too_many_generations` with `Retry-After`.
   * Default: `{ max: 30, windowMs: 600000 }` (30 calls per user in 10 minutes).
   */
  generationLimit?: MfaGenerationLimit | false;
}
