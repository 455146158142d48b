/**
 * @internal Cheap argon2id parameters for tests, where speed matters more than cost; at least one
 * suite runs the defaults.
 */
export const FAST_HASHING = { memoryCost: 1024, timeCost: 1, parallelism: 1 } as const;
