import { readdir, readFile } from 'node:fs/promises';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { MfaConfigurationError } from '../mfa.exceptions.js';
import type {
  AttemptPolicy,
  AttemptReservation,
  AttemptStore,
  QuotaPolicy,
  QuotaReservation,
} from '../store/attempt-store.interface.js';
import type {
  ActiveRecoveryCode,
  ConsumeResult,
  NewRecoveryCodeRecord,
  RecoveryCodeStatus,
  RecoveryCodeStore,
} from '../store/recovery-code-store.interface.js';
import type { PostgresRecoveryCodeStoreOptions } from './postgres-recovery-code-store-options.interface.js';

/** @internal The shipped schema, at the package root next to `dist/`. */
const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);

/** @internal Defaults of a pool the store builds: fail fast while the database is unreachable. */
const DEFAULT_POOL_CONFIG: PoolConfig = { max: 10, connectionTimeoutMillis: 5_000 };

/** @internal Lowercase SQL identifiers only, so quoting them can never change their meaning. */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** @internal Room for the longest derived name, `<prefix>recovery_codes_active_key`, in 63 bytes. */
const MAX_PREFIX_LENGTH = 38;

/** @internal Ids are `bigint` identities; anything else cannot be a stored code. */
const ID = /^[1-9][0-9]{0,18}$/;
const MAX_ID = 9223372036854775807n;

const UNIQUE_VIOLATION = '23505';

/**
 * A `RecoveryCodeStore` and `AttemptStore` on PostgreSQL, shared by every app instance. Each
 * operation is atomic in SQL: replacement in one transaction, appends serialised per user by an
 * advisory lock, consumption as a compare-and-set `UPDATE`, attempt and quota reservations as one
 * upsert each. Timestamps come from the database. Call `migrate()` once at startup, or apply
 * `migrations/*.sql` yourself.
 * @example
 * const store = new PostgresRecoveryCodeStore({ pool });
 * await store.migrate();
 * MfaModule.forRoot({ store });
 * @publicApi
 */
export class PostgresRecoveryCodeStore
  implements RecoveryCodeStore, AttemptStore, OnApplicationShutdown
{
  private readonly logger = new Logger(PostgresRecoveryCodeStore.name);
  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly schema: string | undefined;
  private readonly prefix: string;
  private readonly codes: string;
  private readonly attempts: string;
  private readonly quotas: string;
  private readonly lockNamespace: string;
  private closing: Promise<void> | null = null;

  constructor(options: PostgresRecoveryCodeStoreOptions) {
    const schema = options.schema;
    this.schema = schema;
    this.prefix = options.tablePrefix ?? 'mfa_';
    if (schema !== undefined && (!IDENTIFIER.test(schema) || schema.length > 63)) {
      throw new MfaConfigurationError(
        `Invalid PostgreSQL schema "${schema}": set \`schema\` of PostgresRecoveryCodeStore to a lowercase identifier (letters, digits, underscores; at most 63).`,
      );
    }
    if (
      this.prefix !== '' &&
      (!IDENTIFIER.test(this.prefix) || this.prefix.length > MAX_PREFIX_LENGTH)
    ) {
      throw new MfaConfigurationError(
        `Invalid table prefix "${this.prefix}": set \`tablePrefix\` of PostgresRecoveryCodeStore to a lowercase identifier (letters, digits, underscores; at most ${MAX_PREFIX_LENGTH}).`,
      );
    }
    const qualify = (table: string) =>
      schema === undefined ? `"${table}"` : `"${schema}"."${table}"`;
    this.codes = qualify(`${this.prefix}recovery_codes`);
    this.attempts = qualify(`${this.prefix}recovery_attempts`);
    this.quotas = qualify(`${this.prefix}recovery_quotas`);
    this.lockNamespace = `@nest-auth/mfa:${this.codes}`;

    if (options.pool) {
      this.pool = options.pool;
      this.ownsPool = false;
    } else {
      this.pool = new Pool({
        ...DEFAULT_POOL_CONFIG,
        ...options.poolConfig,
        ...(options.connectionString === undefined
          ? {}
          : { connectionString: options.connectionString }),
      });
      this.ownsPool = true;
      // Without a listener, an idle client dropped by the server (a restart) crashes the process.
      this.pool.on('error', (error) => {
        this.logger.warn(`Idle PostgreSQL client failed: ${error.message}`);
      });
    }
  }

  /** The schema of `migrations/*.sql` with this store's table names filled in. */
  async schemaSql(): Promise<string> {
    const files = await readdir(MIGRATIONS_DIR).catch((error: unknown) => {
      throw new MfaConfigurationError(
        `The PostgreSQL schema was not found at ${MIGRATIONS_DIR.pathname} (${String(error)}): when a bundler moves @nest-auth/mfa, apply node_modules/@nest-auth/mfa/migrations/*.sql with your migration tool instead of calling migrate().`,
      );
    });
    files.sort();
    const parts = await Promise.all(
      files
        .filter((f) => f.endsWith('.sql'))
        .map((file) => readFile(new URL(file, MIGRATIONS_DIR))),
    );
    return parts
      .map((part) =>
        part
          .toString('utf8')
          .replaceAll('{{codes_table}}', this.codes)
          .replaceAll('{{attempts_table}}', this.attempts)
          .replaceAll('{{quotas_table}}', this.quotas)
          .replaceAll('{{prefix}}', this.prefix),
      )
      .join('\n');
  }

  /**
   * Creates the tables and indexes if they are missing, in one transaction under an advisory lock,
   * so every instance may call it at startup. Creates the configured `schema` if needed.
   */
  async migrate(): Promise<void> {
    const sql = await this.schemaSql();
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['@nest-auth/mfa:migrate']);
      if (this.schema !== undefined) {
        // Only when missing: CREATE SCHEMA needs a privilege that using an existing one does not.
        const found = await client.query<{ found: boolean }>(
          'SELECT to_regnamespace($1) IS NOT NULL AS found',
          [this.schema],
        );
        if (!found.rows[0]?.found) {
          await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
        }
      }
      await client.query(sql);
    });
  }

  async replaceAll(userId: string, codes: readonly NewRecoveryCodeRecord[]): Promise<void> {
    await this.transaction(async (client) => {
      await this.lockUser(client, userId);
      await client.query(`DELETE FROM ${this.codes} WHERE user_id = $1`, [userId]);
      if (codes.length === 0) return;
      await client.query(
        `INSERT INTO ${this.codes} (user_id, lookup_key, digest)
         SELECT $1, c.lookup_key, c.digest
         FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS c(lookup_key, digest, n)
         ORDER BY c.n`,
        [userId, codes.map((c) => c.lookupKey), codes.map((c) => c.digest)],
      );
    });
  }

  async append(userId: string, code: NewRecoveryCodeRecord, maxActive: number): Promise<boolean> {
    return this.transaction(async (client) => {
      await this.lockUser(client, userId);
      const inserted = await client.query(
        `INSERT INTO ${this.codes} (user_id, lookup_key, digest) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, lookup_key) WHERE used_at IS NULL DO NOTHING
         RETURNING id`,
        [userId, code.lookupKey, code.digest],
      );
      if (inserted.rowCount !== 1) return false;
      await client.query(
        `DELETE FROM ${this.codes} WHERE user_id = $1 AND id IN (
           (SELECT id FROM ${this.codes} WHERE user_id = $1 AND used_at IS NULL
            ORDER BY id DESC OFFSET $2)
           UNION ALL
           (SELECT id FROM ${this.codes} WHERE user_id = $1 AND used_at IS NOT NULL
            ORDER BY used_at DESC, id DESC OFFSET 1)
         )`,
        [userId, Math.max(0, Math.floor(maxActive))],
      );
      return true;
    });
  }

  async findActive(userId: string, lookupKey: string): Promise<ActiveRecoveryCode | null> {
    const result = await this.pool.query<ActiveRecoveryCode>(
      `SELECT id::text AS id, digest
       FROM ${this.codes} WHERE user_id = $1 AND lookup_key = $2 AND used_at IS NULL`,
      [userId, lookupKey],
    );
    return result.rows[0] ?? null;
  }

  async consume(userId: string, id: string): Promise<ConsumeResult | null> {
    if (!isId(id)) return null;
    // The count reads the snapshot from before the update, in which this code is still unused.
    const result = await this.pool.query<{ remaining: number }>(
      `WITH consumed AS (
         UPDATE ${this.codes} SET used_at = now()
         WHERE id = $1 AND user_id = $2 AND used_at IS NULL
         RETURNING id
       )
       SELECT GREATEST(0, (SELECT count(*) FROM ${this.codes}
                           WHERE user_id = $2 AND used_at IS NULL) - 1)::int AS remaining
       FROM consumed`,
      [id, userId],
    );
    const row = result.rows[0];
    return row ? { remaining: Number(row.remaining) } : null;
  }

  async restore(userId: string, id: string): Promise<boolean> {
    if (!isId(id)) return false;
    try {
      const result = await this.pool.query(
        `UPDATE ${this.codes} AS c SET used_at = NULL
         WHERE c.id = $1 AND c.user_id = $2 AND c.used_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM ${this.codes} AS o
                           WHERE o.user_id = c.user_id AND o.lookup_key = c.lookup_key
                             AND o.used_at IS NULL)`,
        [id, userId],
      );
      return result.rowCount === 1;
    } catch (error) {
      // A concurrent append took the lookup key: the code cannot come back without a duplicate.
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async status(userId: string): Promise<RecoveryCodeStatus> {
    const result = await this.pool.query<{
      remaining: number;
      generated_at: Date | string | null;
      last_used_at: Date | string | null;
    }>(
      `SELECT count(*) FILTER (WHERE used_at IS NULL)::int AS remaining,
              max(created_at) FILTER (WHERE used_at IS NULL) AS generated_at,
              max(used_at) AS last_used_at
       FROM ${this.codes} WHERE user_id = $1`,
      [userId],
    );
    const row = result.rows[0];
    return {
      remaining: Number(row?.remaining ?? 0),
      generatedAt: toDateOrNull(row?.generated_at ?? null),
      lastUsedAt: toDateOrNull(row?.last_used_at ?? null),
    };
  }

  async revokeAll(userId: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.codes} WHERE user_id = $1`, [userId]);
  }

  async reserveAttempt(userId: string, policy: AttemptPolicy): Promise<AttemptReservation> {
    // One statement: the row lock of the upsert serialises a burst. A refusal moves its counter one
    // past the limit (and no further), which tells it apart from the attempt that reached the limit
    // without counting anything: locked first, then a full window.
    const result = await this.pool.query<{
      attempts: string;
      failures: string;
      retry_after_ms: number;
    }>(
      `INSERT INTO ${this.attempts} AS a (user_id, attempts, failures, window_start)
       VALUES ($1, 1, 1, now())
       ON CONFLICT (user_id) DO UPDATE SET
         attempts = CASE
           WHEN a.failures >= $4::bigint THEN a.attempts
           WHEN a.window_start + $3::float8 * interval '1 millisecond' <= now() THEN 1
           ELSE LEAST(a.attempts + 1, $2::bigint + 1)
         END,
         failures = CASE
           WHEN a.failures >= $4::bigint THEN LEAST(a.failures + 1, $4::bigint + 1)
           WHEN a.window_start + $3::float8 * interval '1 millisecond' <= now() THEN a.failures + 1
           WHEN a.attempts >= $2::bigint THEN a.failures
           ELSE a.failures + 1
         END,
         window_start = CASE
           WHEN a.failures < $4::bigint
             AND a.window_start + $3::float8 * interval '1 millisecond' <= now() THEN now()
           ELSE a.window_start
         END
       RETURNING attempts, failures,
         GREATEST(0, ceil(extract(epoch FROM
           window_start + $3::float8 * interval '1 millisecond' - now()) * 1000))::float8
           AS retry_after_ms`,
      [userId, policy.maxAttempts, policy.windowMs, policy.maxConsecutiveFailures],
    );
    const row = result.rows[0];
    if (!row) throw new Error('The attempt upsert returned no row');
    const attempts = Math.min(Number(row.attempts), policy.maxAttempts);
    const failures = Math.min(Number(row.failures), policy.maxConsecutiveFailures);
    if (Number(row.failures) > policy.maxConsecutiveFailures) {
      return { allowed: false, attempts, failures, locked: true, retryAfterMs: 0 };
    }
    if (Number(row.attempts) > policy.maxAttempts) {
      const retryAfterMs = Math.max(1, Number(row.retry_after_ms));
      return { allowed: false, attempts, failures, locked: false, retryAfterMs };
    }
    return { allowed: true, attempts, failures, locked: false, retryAfterMs: 0 };
  }

  async resetAttempts(userId: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.attempts} WHERE user_id = $1`, [userId]);
  }

  async releaseFailure(userId: string): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.attempts} SET failures = failures - 1 WHERE user_id = $1 AND failures > 0`,
      [userId],
    );
  }

  async reserveQuota(
    userId: string,
    scope: string,
    policy: QuotaPolicy,
  ): Promise<QuotaReservation> {
    const result = await this.pool.query<{ calls: string; retry_after_ms: number }>(
      `INSERT INTO ${this.quotas} AS q (user_id, scope, calls, window_start)
       VALUES ($1, $2, 1, now())
       ON CONFLICT (user_id, scope) DO UPDATE SET
         calls = CASE
           WHEN q.window_start + $4::float8 * interval '1 millisecond' <= now() THEN 1
           ELSE LEAST(q.calls + 1, $3::bigint + 1)
         END,
         window_start = CASE
           WHEN q.window_start + $4::float8 * interval '1 millisecond' <= now() THEN now()
           ELSE q.window_start
         END
       RETURNING calls,
         GREATEST(0, ceil(extract(epoch FROM
           window_start + $4::float8 * interval '1 millisecond' - now()) * 1000))::float8
           AS retry_after_ms`,
      [userId, scope, policy.limit, policy.windowMs],
    );
    const row = result.rows[0];
    if (!row) throw new Error('The quota upsert returned no row');
    const calls = Number(row.calls);
    if (calls <= policy.limit) return { allowed: true, count: calls, retryAfterMs: 0 };
    return {
      allowed: false,
      count: policy.limit,
      retryAfterMs: Math.max(1, Number(row.retry_after_ms)),
    };
  }

  /** Ends the pool if the store built it; an injected pool stays open. Idempotent. */
  async close(): Promise<void> {
    if (!this.ownsPool) return;
    this.closing ??= this.pool.end();
    await this.closing;
  }

  /** @internal Nest calls this on `app.close()`. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Serialises every writer of one user's codes until the transaction ends. */
  private async lockUser(client: PoolClient, userId: string): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
      this.lockNamespace,
      userId,
    ]);
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let result: T;
    try {
      await client.query('BEGIN');
      result = await work(client);
      await client.query('COMMIT');
    } catch (error) {
      // A client whose connection broke must not return to the pool.
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      client.release(rolledBack ? undefined : true);
      throw error;
    }
    client.release();
    return result;
  }
}

function isId(id: string): boolean {
  return typeof id === 'string' && ID.test(id) && BigInt(id) <= MAX_ID;
}

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === UNIQUE_VIOLATION
  );
}

// Pools with custom type parsers may hand back strings.
function toDateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value);
}
