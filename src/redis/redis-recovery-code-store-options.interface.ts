import type { RedisStoreClient } from './redis-store-client.interface.js';

/**
 * Options of `RedisRecoveryCodeStore`.
 * @publicApi
 */
export interface RedisRecoveryCodeStoreOptions {
  /**
   * Your connected client: node-redis `createClient()` or `createCluster()` (package `redis` 5 or
   * later), or an ioredis `Redis` or `Cluster`. The store never connects or closes it; attach
   * your own `'error'` listener, as both packages require.
   */
  client: RedisStoreClient;
  /**
   * First part of every key: letters, digits, `_`, `-` and `:`. Keys read
   * `{<keyPrefix>:<escaped user id>}:codes`, `…:attempts`, `…:failures` and `…:quota:<scope>`.
   * Default: `'mfa'`.
   */
  keyPrefix?: string;
  /**
   * Bound on every call, in ms, including the `EVAL` retry after a `NOSCRIPT`. Past it the call
   * rejects (a 503 for the request), and the command, should Redis still receive it later,
   * changes nothing. Default: `5000`.
   */
  commandTimeoutMs?: number;
}
