import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { Pool, type PoolClient } from 'pg';
import { MfaModule } from '../../src/mfa.module.js';
import { MfaService } from '../../src/mfa.service.js';
import { PostgresRecoveryCodeStore } from '../../src/postgres/index.js';
import { describeAttemptStore, describeRecoveryCodeStore } from '../../src/testing/index.js';
import { FAST_HASHING } from '../utils/test-app.js';
import { createTestDatabase, describePostgres, type TestDatabase } from './pg-harness.js';

describePostgres()('PostgresRecoveryCodeStore', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase('store');
    pool = new Pool({ connectionString: db.url, max: 20 });
    await new PostgresRecoveryCodeStore({ pool }).migrate();
  });

  afterAll(async () => {
    await pool?.end();
    await db?.close();
  });

  describeRecoveryCodeStore('PostgresRecoveryCodeStore', () => ({
    store: new PostgresRecoveryCodeStore({ pool }),
  }));

  describeAttemptStore(
    'PostgresRecoveryCodeStore',
    () => ({ attemptStore: new PostgresRecoveryCodeStore({ pool }) }),
    { realWindowMs: 300 },
  );

  describe('attempt counters', () => {
    it('counts attempts under limits beyond 32 bits, up to the largest safe integer', async () => {
      const store = new PostgresRecoveryCodeStore({ pool });
      for (const limit of [2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
        const user = `big-${limit}`;
        const policy = { maxAttempts: limit, windowMs: 60_000, maxConsecutiveFailures: limit };
        expect(await store.reserveAttempt(user, policy)).toMatchObject({
          allowed: true,
          attempts: 1,
          failures: 1,
        });
        expect(await store.reserveQuota(user, 'generate', { limit, windowMs: 60_000 })).toEqual({
          allowed: true,
          count: 1,
          retryAfterMs: 0,
        });
      }
    });

    it('leaves no attempt row behind once a success resets the counters', async () => {
      const store = new PostgresRecoveryCodeStore({ pool });
      const policy = { maxAttempts: 5, windowMs: 60_000, maxConsecutiveFailures: 100 };
      await store.reserveAttempt('tidy-user', policy);
      await store.resetAttempts('tidy-user');
      const rows = await pool.query(
        `SELECT 1 FROM "mfa_recovery_attempts" WHERE user_id = 'tidy-user'`,
      );
      expect(rows.rowCount).toBe(0);
    });
  });

  describe('migrate', () => {
    it('can run again, and from many instances at once', async () => {
      const stores = Array.from(
        { length: 4 },
        () => new PostgresRecoveryCodeStore({ pool, tablePrefix: 'concurrent_' }),
      );
      await Promise.all(stores.map((store) => store.migrate()));
      await stores[0].migrate();
      expect(await tablesOf(pool, 'public')).toEqual(
        expect.arrayContaining([
          'concurrent_recovery_attempts',
          'concurrent_recovery_codes',
          'concurrent_recovery_quotas',
        ]),
      );
    });

    it('creates the tables in a configured schema with a configured prefix', async () => {
      const store = new PostgresRecoveryCodeStore({
        pool,
        schema: 'auth_data',
        tablePrefix: 'app_',
      });
      await store.migrate();
      expect(await tablesOf(pool, 'auth_data')).toEqual([
        'app_recovery_attempts',
        'app_recovery_codes',
        'app_recovery_quotas',
      ]);
      await store.replaceAll('u1', [{ lookupKey: 'key', digest: '$argon2id$x' }]);
      expect(await store.status('u1')).toMatchObject({ remaining: 1 });
    });

    it('finds the code of an attempt through the partial unique index', async () => {
      const client = await pool.connect();
      try {
        await client.query('SET enable_seqscan = off');
        const plan = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT id FROM "mfa_recovery_codes"
           WHERE user_id = 'u' AND lookup_key = 'k' AND used_at IS NULL`,
        );
        expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain(
          'mfa_recovery_codes_active_key',
        );
      } finally {
        await client.query('RESET enable_seqscan');
        client.release();
      }
    });
  });

  describe('through MfaService', () => {
    it('never sends a code, its canonical form or its lookup part to the database', async () => {
      const captured: string[] = [];
      const capturing = new Pool({ connectionString: db.url, max: 4 });
      capturing.on('connect', (client: PoolClient) => {
        const query = client.query.bind(client) as (...args: unknown[]) => unknown;
        (client as unknown as { query: (...args: unknown[]) => unknown }).query = (
          ...args: unknown[]
        ) => {
          captured.push(JSON.stringify(args.filter((arg) => typeof arg !== 'function')));
          return query(...args);
        };
      });
      const moduleRef = await Test.createTestingModule({
        imports: [
          MfaModule.forRoot({
            store: new PostgresRecoveryCodeStore({ pool: capturing }),
            hashing: FAST_HASHING,
            onMfaReset: () => undefined,
          }),
        ],
      }).compile();
      const mfa = moduleRef.get(MfaService);
      const user = 'digest-only-user';
      try {
        const { codes } = await mfa.generateRecoveryCodes(user, 5);
        for (let i = 0; i < 3; i++) codes.push((await mfa.generateRecoveryCode(user)).code);
        const wrong = `${codes[0].slice(0, -1)}${codes[0].endsWith('0') ? '1' : '0'}`;

        await mfa.redeemRecoveryCode(user, codes[0]);
        await expect(mfa.redeemRecoveryCode(user, codes[0])).rejects.toThrow();
        await expect(mfa.redeemRecoveryCode(user, wrong)).rejects.toThrow();
        await mfa.redeemRecoveryCode(user, codes[6].toUpperCase().replaceAll('-', ' '));
        await mfa.resetMfa(user, codes[1]);
        await mfa.getRecoveryCodeStatus(user);
        await mfa.revokeRecoveryCodes(user);

        const traffic = captured.join('\n').toLowerCase();
        expect(traffic).toContain('$argon2id$');
        for (const code of [...codes, wrong]) {
          const canonical = code.replaceAll('-', '').toLowerCase();
          expect(traffic).not.toContain(code.toLowerCase());
          expect(traffic).not.toContain(canonical);
          expect(traffic).not.toContain(canonical.slice(0, 8));
        }
      } finally {
        await moduleRef.close();
        await capturing.end();
      }
    });
  });

  describe('with a pool it builds', () => {
    it('connects from a connection string and ends its pool on close', async () => {
      const store = new PostgresRecoveryCodeStore({ connectionString: db.url });
      await store.append('owner', { lookupKey: 'k', digest: '$argon2id$x' }, 10);
      expect((await store.status('owner')).remaining).toBe(1);
      await store.close();
      await store.close();
      await expect(store.status('owner')).rejects.toThrow();
    });
  });
});

async function tablesOf(pool: Pool, schema: string): Promise<string[]> {
  const result = await pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [schema],
  );
  return result.rows.map((r) => r.table_name);
}
