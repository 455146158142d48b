/**
 * `@nest-auth/mfa/redis`: the Redis store of codes and attempt counters, on node-redis (`redis` 5
 * or later) or ioredis, standalone or Cluster. Both packages are optional peer dependencies; the
 * store imports neither and uses the client you pass.
 * @module @nest-auth/mfa/redis
 */
export { RedisRecoveryCodeStore } from './redis-recovery-code.store.js';
export type { RedisRecoveryCodeStoreOptions } from './redis-recovery-code-store-options.interface.js';
export type {
  IoRedisClientLike,
  NodeRedisClientLike,
  NodeRedisEvalOptions,
  RedisStoreClient,
} from './redis-store-client.interface.js';
