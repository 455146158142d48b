// The PostgreSQL rows of the store table. Optional: skipped, with the reason, when there is no
// built `@nest-auth/mfa/postgres` or no PostgreSQL to reach.
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { startThrowawayCluster } from '../lib/pg-cluster.mjs';
import { measureStore } from './store.mjs';

/** The store class, through the export map, else straight from dist/ while the export is new. */
async function loadStore() {
  try {
    return (await import('@nest-auth/mfa/postgres')).PostgresRecoveryCodeStore;
  } catch {
    const built = new URL('../../dist/postgres/index.js', import.meta.url);
    if (!existsSync(built)) return undefined;
    return (await import(built.href).catch(() => undefined))?.PostgresRecoveryCodeStore;
  }
}

export async function runPostgresSuite({ rounds, digest, cleanup }) {
  const PostgresRecoveryCodeStore = await loadStore();
  if (!PostgresRecoveryCodeStore) {
    return {
      skipped: '`dist/postgres` does not exist yet (`@nest-auth/mfa/postgres` is not built)',
    };
  }
  let url = process.env.DATABASE_URL;
  let source = 'DATABASE_URL';
  let version;
  if (!url) {
    const cluster = await startThrowawayCluster();
    if (cluster.skipped) return { skipped: cluster.skipped };
    cleanup.push(cluster.stop);
    ({ url, version } = cluster);
    source = 'throwaway cluster (initdb, default settings, loopback TCP)';
  }
  // A schema of our own, dropped afterwards, so a shared DATABASE_URL keeps its tables.
  const schema = `mfa_bench_${randomBytes(4).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  try {
    await pool.query(`CREATE SCHEMA ${schema}`);
    const store = new PostgresRecoveryCodeStore({ pool, schema });
    await store.migrate();
    const { rows } = await pool.query('SHOW server_version');
    const operations = await measureStore(store, { rounds, digest, prefix: 'pg' });
    return { source, version: version ?? `PostgreSQL ${rows[0].server_version}`, operations };
  } catch (error) {
    return {
      skipped: `PostgreSQL store failed: ${error instanceof Error ? error.message : error}`,
    };
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await pool.end();
  }
}
