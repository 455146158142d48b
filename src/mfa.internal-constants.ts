/** @internal How many fresh codes generation tries when a lookup part collides with an active code. */
export const LOOKUP_COLLISION_RETRIES = 5;

/** @internal Printable ASCII, space (0x20) to tilde (0x7e). */
export const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** @internal Logger context of the service. */
export const MFA_LOGGER_CONTEXT = 'MfaService';

/** @internal Token of the options with every default applied and checked, resolved once. */
export const RESOLVED_MFA_OPTIONS = Symbol('ResolvedMfaOptions');

/** @internal Metadata key of `@Auth()`'s `MfaAuthOptions`. */
export const MFA_AUTH_OPTIONS_METADATA = 'nest-auth:mfa:auth-options';

/** @internal Metadata key marking ready-made routes that `routes.maxAuthAge` applies to. */
export const MFA_ROUTES_REAUTH_METADATA = 'nest-auth:mfa:routes-reauth';

/** @internal Token of what `forRoot()` / `forRootAsync()` were given at import time (`routes`). */
export const MFA_IMPORT_OPTIONS = Symbol('MfaImportOptions');

/** @internal Logger context of the guard. */
export const MFA_AUTH_GUARD_LOGGER_CONTEXT = 'MfaAuthGuard';

/** @internal The default `hashing.maxQueue` holds about this much argon2 work, in ms. */
export const HASH_QUEUE_BUDGET_MS = 2_000;

/**
 * @internal argon2 time assumed until the first operation is measured: one hash at the OWASP
 * parameters on the bench machine (docs/BENCHMARKS.md), in ms.
 */
export const ASSUMED_HASH_MS = 20;

/** @internal The `reserveQuota()` scope that counts generation calls. */
export const GENERATION_QUOTA_SCOPE = 'generate';
