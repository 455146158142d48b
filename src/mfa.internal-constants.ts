/** @internal How many fresh codes generation tries when a lookup part collides with an active code. */
export const LOOKUP_COLLISION_RETRIES = 5;

/** @internal Printable ASCII, space (0x20) to tilde (0x7e). */
export const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** @internal Logger context of the service. */
export const MFA_LOGGER_CONTEXT = 'MfaService';

/** @internal Token of the options with every default applied and checked, resolved once. */
export const RESOLVED_MFA_OPTIONS = Symbol('ResolvedMfaOptions');
