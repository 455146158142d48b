import type { Pool, PoolConfig } from 'pg';

/**
 * Where the store's tables live. Both names are validated (`[a-z_][a-z0-9_]*`) and quoted.
 * @publicApi
 */
export interface PostgresRecoveryCodeStoreTableOptions {
  /** Schema of both tables. Default: none (the connection's `search_path`, usually `public`). */
  schema?: string;
  /** Prefix of the table and index names. Default: `'mfa_'` (`mfa_recovery_codes`, …). */
  tablePrefix?: string;
}

/**
 * Uses your `pg` pool. The store never ends it; attach your own `pool.on('error')` listener.
 * @publicApi
 */
export interface PostgresRecoveryCodeStorePoolOptions extends PostgresRecoveryCodeStoreTableOptions {
  /** Your pool; the store runs its queries on it. */
  pool: Pool;
  /** Not with `pool`. */
  connectionString?: never;
  /** Not with `pool`. */
  poolConfig?: never;
}

/**
 * Builds a pool the store owns: it logs idle-client errors and ends the pool on shutdown.
 * @publicApi
 */
export interface PostgresRecoveryCodeStoreConnectionOptions extends PostgresRecoveryCodeStoreTableOptions {
  /** Not with `connectionString` or `poolConfig`. */
  pool?: never;
  /** A `postgres://` URL. Default: `poolConfig`, then the `PG*` environment variables. */
  connectionString?: string;
  /**
   * Passed to `new Pool()`. Default: `{ max: 10, connectionTimeoutMillis: 5000 }`, so requests
   * fail with a 503 instead of hanging while the database is unreachable.
   */
  poolConfig?: PoolConfig;
}

/**
 * Options of `PostgresRecoveryCodeStore`: a pool, or what it takes to build one.
 * @publicApi
 */
export type PostgresRecoveryCodeStoreOptions =
  PostgresRecoveryCodeStorePoolOptions | PostgresRecoveryCodeStoreConnectionOptions;
