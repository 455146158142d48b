// 7. Growth: per-operation medians with 1,000 users against a large data set (1,000,000 users,
// 10 codes each), interleaved, for the in-memory, PostgreSQL and Redis stores, and what one user
// costs in each. The large sets are bulk-loaded directly (SQL generate_series, pipelined Redis
// scripts), never through argon2.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { createClient } from 'redis';
import { compareGrowth, userId, userRecords } from '../lib/growth-walk.mjs';
import { startThrowawayCluster } from '../lib/pg-cluster.mjs';
import { startThrowawayRedis } from '../lib/redis-server.mjs';
import { loadRedisStore } from './redis.mjs';

const execFileAsync = promisify(execFile);
const CHILD = fileURLToPath(new URL('../lib/memory-growth-child.mjs', import.meta.url));

/**
 * @param {{ small: number, large: number, memoryLarge: number, rounds: { memory: number,
 *   postgres: number, redis: number }, budgetMs: number, digest: string, cleanup: Function[],
 *   log: (line: string) => void }} options
 */
export async function runGrowthSuite(options) {
  const { small, large, memoryLarge, log } = options;
  log(
    `  growth: ${small.toLocaleString('en')} users against ${large.toLocaleString('en')} (in-memory: ${memoryLarge.toLocaleString('en')}), 10 codes each`,
  );
  const stores = {};
  stores.memory = await step('in-memory', log, () => memoryGrowth(options));
  stores.postgres = await step('PostgreSQL', log, () => postgresGrowth(options));
  stores.redis = await step('Redis', log, () => redisGrowth(options));
  return { users: { small, large, memoryLarge }, stores };
}

async function step(name, log, fn) {
  const started = performance.now();
  const result = await fn().catch((error) => ({
    skipped: `${name} failed: ${error instanceof Error ? error.message : error}`,
  }));
  const took = ((performance.now() - started) / 1000).toFixed(1);
  log(
    result.skipped
      ? `  growth, ${name}: skipped (${result.skipped})`
      : `  growth, ${name}: loaded in ${(result.loadMs / 1000).toFixed(1)} s, worst ratio ${worst(result).toFixed(2)}×, ${took} s in all`,
  );
  return result;
}

/** The largest median ratio of a store's operations. */
export function worst(result) {
  return Math.max(...Object.values(result.ratio ?? {}));
}

/**
 * The in-memory store in a child process, its heap sized for the large set from the footprint of
 * one user measured first, so that the bench's own process stays small.
 */
async function memoryGrowth({ small, memoryLarge, rounds, budgetMs, digest }) {
  const probe = await runChild(['--expose-gc'], { probe: 5_000, digest });
  const heapMb = Math.ceil((probe.bytesPerUser * memoryLarge * 1.5) / 2 ** 20) + 512;
  if (heapMb > (totalmem() / 2 ** 20) * 0.6) {
    return {
      skipped: `${memoryLarge.toLocaleString('en')} users need about ${heapMb} MB of heap at ${Math.round(probe.bytesPerUser)} bytes per user; set BENCH_MEMORY_GROWTH_USERS lower`,
    };
  }
  const result = await runChild(['--expose-gc', `--max-old-space-size=${heapMb}`], {
    small,
    large: memoryLarge,
    rounds: rounds.memory,
    digest,
    budgetMs,
  });
  return { ...result, users: memoryLarge, heapMb, footprint: 'V8 heap' };
}

async function runChild(flags, input) {
  const { stdout } = await execFileAsync(
    process.execPath,
    [...flags, CHILD, JSON.stringify(input)],
    {
      maxBuffer: 16 * 2 ** 20,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

/** The PostgreSQL store, through the export map. */
async function loadPostgresStore() {
  return (await import('@nest-auth/mfa/postgres').catch(() => undefined))
    ?.PostgresRecoveryCodeStore;
}

async function postgresGrowth({ small, large, rounds, budgetMs, digest, cleanup }) {
  const PostgresRecoveryCodeStore = await loadPostgresStore();
  if (!PostgresRecoveryCodeStore) return { skipped: '`@nest-auth/mfa/postgres` is not built' };
  let url = process.env.DATABASE_URL;
  if (!url) {
    const cluster = await startThrowawayCluster();
    if (cluster.skipped) return { skipped: cluster.skipped };
    cleanup.push(cluster.stop);
    url = cluster.url;
  }
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  const suffix = randomBytes(4).toString('hex');
  const schemas = { small: `mfa_growth_small_${suffix}`, large: `mfa_growth_large_${suffix}` };
  try {
    const sets = {};
    let loadMs = 0;
    for (const [name, users] of [
      ['small', small],
      ['large', large],
    ]) {
      const schema = schemas[name];
      await pool.query(`CREATE SCHEMA ${schema}`);
      const store = new PostgresRecoveryCodeStore({ pool, schema });
      await store.migrate();
      const started = performance.now();
      // In slices, so that no single transaction holds millions of rows.
      for (let from = 0; from < users; from += 100_000) {
        await pool.query(
          `INSERT INTO ${schema}.mfa_recovery_codes (user_id, lookup_key, digest)
           SELECT 'g-' || u, encode(sha256(convert_to(u || '-' || i, 'UTF8')), 'base64'), $1
           FROM generate_series($2::int, $3::int) AS u, generate_series(0, 9) AS i
           ORDER BY u, i`,
          [digest, from, Math.min(users, from + 100_000) - 1],
        );
      }
      await pool.query(`ANALYZE ${schema}.mfa_recovery_codes`);
      if (name === 'large') loadMs = performance.now() - started;
      sets[name] = { store, users };
    }
    const { rows } = await pool.query(
      `SELECT pg_total_relation_size($1::regclass) AS bytes, current_setting('server_version') AS version`,
      [`${schemas.large}.mfa_recovery_codes`],
    );
    const comparison = await compareGrowth({
      ...sets,
      rounds: rounds.postgres,
      digest,
      deadline: performance.now() + budgetMs,
    });
    return {
      ...comparison,
      users: large,
      loadMs,
      version: `PostgreSQL ${rows[0].version}`,
      bytesPerUser: Number(rows[0].bytes) / large,
      footprint: 'table and indexes on disk',
    };
  } finally {
    for (const schema of Object.values(schemas)) {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    }
    await pool.end();
  }
}

async function redisGrowth({ small, large, rounds, budgetMs, digest, cleanup }) {
  const RedisRecoveryCodeStore = await loadRedisStore();
  if (!RedisRecoveryCodeStore) return { skipped: '`@nest-auth/mfa/redis` is not built' };
  const server = await startThrowawayRedis();
  if (server.skipped) return { skipped: server.skipped };
  cleanup.push(server.stop);
  // One database each: separate keyspaces on one server, as the schemas on one PostgreSQL.
  const clients = {};
  try {
    const sets = {};
    let loadMs = 0;
    let bytesPerUser = 0;
    for (const [name, users, database] of [
      ['small', small, 1],
      ['large', large, 2],
    ]) {
      const client = createClient({ url: server.url, database });
      client.on('error', () => undefined);
      await client.connect();
      clients[name] = client;
      const store = new RedisRecoveryCodeStore({ client });
      const before = await usedMemory(client);
      const started = performance.now();
      // node-redis pipelines concurrent commands on its one connection.
      const inFlight = 512;
      for (let from = 0; from < users; from += inFlight) {
        const batch = [];
        for (let u = from; u < Math.min(users, from + inFlight); u++) {
          batch.push(store.replaceAll(userId(u), userRecords(u, digest)));
        }
        await Promise.all(batch);
      }
      if (name === 'large') {
        loadMs = performance.now() - started;
        bytesPerUser = ((await usedMemory(client)) - before) / users;
      }
      sets[name] = { store, users };
    }
    const memoryUsage = async (client, key) =>
      Number(await client.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']));
    const oneUser = await memoryUsage(clients.large, `{mfa:${userId(0)}}:codes`);
    // The same user as one listpack instead of a hash table: Redis stores a hash compactly while
    // every value fits in hash-max-listpack-value (64 bytes by default; a code takes ~122).
    const [, listpackDefault] = await clients.small.sendCommand([
      'CONFIG',
      'GET',
      'hash-max-listpack-value',
    ]);
    await clients.small.sendCommand(['CONFIG', 'SET', 'hash-max-listpack-value', '256']);
    await sets.small.store.replaceAll('listpack-probe', userRecords(0, digest));
    const oneUserListpack = await memoryUsage(clients.small, '{mfa:listpack-probe}:codes');
    await sets.small.store.revokeAll('listpack-probe');
    await clients.small.sendCommand(['CONFIG', 'SET', 'hash-max-listpack-value', listpackDefault]);

    const comparison = await compareGrowth({
      ...sets,
      rounds: rounds.redis,
      digest,
      deadline: performance.now() + budgetMs,
    });
    return {
      ...comparison,
      users: large,
      loadMs,
      version: server.version,
      bytesPerUser,
      footprint: 'used_memory',
      memoryUsage: { oneUser, oneUserListpack, listpackDefault: Number(listpackDefault) },
    };
  } finally {
    for (const client of Object.values(clients)) client.destroy();
    await server.stop();
  }
}

async function usedMemory(client) {
  const info = await client.sendCommand(['INFO', 'memory']);
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}
