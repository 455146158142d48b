/**
 * Options of the `eval`/`evalSha` calls of node-redis.
 * @publicApi
 */
export interface NodeRedisEvalOptions {
  /** Key names (`KEYS`). */
  keys: string[];
  /** Other arguments (`ARGV`). */
  arguments: string[];
}

/**
 * What `RedisRecoveryCodeStore` uses of a node-redis (`redis` 5 or later) client: the result of
 * `createClient()` or `createCluster()`. Declared here so that neither package is needed to
 * compile or run the store.
 * @publicApi
 */
export interface NodeRedisClientLike {
  /** `true` once `connect()` was called, until `close()`/`destroy()`. */
  readonly isOpen: boolean;
  /** `true` while a client's socket is connected and ready; clusters have no such flag. */
  readonly isReady?: boolean;
  /** `EVALSHA`. */
  evalSha(sha1: string, options: NodeRedisEvalOptions): Promise<unknown>;
  /** `EVAL`. */
  eval(script: string, options: NodeRedisEvalOptions): Promise<unknown>;
}

/**
 * What `RedisRecoveryCodeStore` uses of an ioredis (5 or later) `Redis` or `Cluster` instance.
 * Declared here so that neither package is needed to compile or run the store.
 * @publicApi
 */
export interface IoRedisClientLike {
  /** Connection state: `'ready'` when commands can be sent; `'wait'` before a lazy connect. */
  readonly status: string;
  /** `EVALSHA sha1 numkeys key… arg…`. */
  evalsha(sha1: string, numkeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  /** `EVAL script numkeys key… arg…`. */
  eval(script: string, numkeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

/**
 * A client `RedisRecoveryCodeStore` accepts: node-redis client or cluster, ioredis `Redis` or
 * `Cluster`. The store detects which one it was given.
 * @publicApi
 */
export type RedisStoreClient = NodeRedisClientLike | IoRedisClientLike;
