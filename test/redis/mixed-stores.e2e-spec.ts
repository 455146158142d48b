import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Pool } from 'pg';
import request from 'supertest';
import { AttemptStore, MfaModule, RecoveryCodeStore } from '../../src/index.js';
import { PostgresRecoveryCodeStore } from '../../src/postgres/index.js';
import { RedisRecoveryCodeStore } from '../../src/redis/index.js';
import { MfaController } from '../postgres/cross-process/mfa.controller.js';
import { createTestDatabase, describePostgres, type TestDatabase } from '../postgres/pg-harness.js';
import { ADAPTERS, createTestApp, FAST_HASHING, type TestApp } from '../utils/test-app.js';
import { connectStandalone, type TestRedisClient } from './redis-clients.js';
import { describeRedis, LocalRedisServer } from './redis-harness.js';

describeRedis()('Codes in PostgreSQL, attempt counters in Redis', () => {
  describePostgres()('over HTTP', () => {
    let db: TestDatabase;
    let pool: Pool;
    let server: LocalRedisServer;
    let redis: TestRedisClient;
    const apps: Partial<Record<(typeof ADAPTERS)[number], TestApp>> = {};
    let failReset = false;

    beforeAll(async () => {
      [db, server] = await Promise.all([
        createTestDatabase('redis_mixed_flow'),
        LocalRedisServer.start(),
      ]);
      pool = new Pool({ connectionString: db.url, max: 5 });
      redis = await connectStandalone('node-redis', server.url);
      const codes = new PostgresRecoveryCodeStore({ pool });
      await codes.migrate();
      for (const adapter of ADAPTERS) {
        apps[adapter] = await createTestApp(
          {
            imports: [
              MfaModule.forRoot({
                store: codes,
                attemptStore: new RedisRecoveryCodeStore({ client: redis.client }),
                hashing: FAST_HASHING,
                maxAttempts: 3,
                authenticate: (req) => ({ id: String(req.headers['x-user-id']) }),
                onMfaReset: () => {
                  if (failReset) throw new Error('could not disable MFA');
                },
              }),
            ],
            controllers: [MfaController],
          },
          adapter,
        );
      }
    }, 120_000);

    afterAll(async () => {
      for (const app of Object.values(apps)) await app?.close();
      await redis?.close();
      await pool?.end();
      await server?.destroy();
      await db?.close();
    });

    it.each(ADAPTERS)(
      'runs generate, redeem, lockout, unlock and reset on %s, each store holding only its part',
      async (adapter) => {
        const app = apps[adapter];
        if (!app) throw new Error('unreachable');
        const userId = `mixed-${adapter}`;
        const user = { 'x-user-id': userId };
        const http = () => request(app.server);
        const redisKeys = async () =>
          ((await redis.command(['KEYS', `*${userId}*`])) as string[]).sort();
        const codeRows = async () =>
          (await pool.query('SELECT 1 FROM mfa_recovery_codes WHERE user_id = $1', [userId]))
            .rowCount;
        const attemptRows = async () =>
          (await pool.query('SELECT 1 FROM mfa_recovery_attempts WHERE user_id = $1', [userId]))
            .rowCount;

        const codes: string[] = [];
        for (let i = 0; i < 4; i++) codes.push((await http().post('/codes').set(user)).body.code);
        await http()
          .get('/status')
          .set(user)
          .expect(200, /"remaining":4/);
        expect(await codeRows()).toBe(4);
        expect(await redisKeys()).toEqual([]);

        await http()
          .post('/redeem')
          .set(user)
          .send({ code: codes[0] })
          .expect(200, { remaining: 3 });

        // Three wrong guesses are checked, the fourth is refused with Retry-After, and so is the
        // right code: the lock lives in Redis, and nothing of it in PostgreSQL.
        for (let i = 0; i < 3; i++) {
          await http()
            .post('/redeem')
            .set(user)
            .send({ code: wrong(codes[1]) })
            .expect(401);
        }
        for (const code of [wrong(codes[1]), codes[1]]) {
          const locked = await http().post('/redeem').set(user).send({ code }).expect(429);
          expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
        }
        const tag = `{mfa:${userId}}`;
        expect(await redisKeys()).toEqual([`${tag}:attempts`, `${tag}:failures`]);
        expect(await attemptRows()).toBe(0);

        // An admin unlock through the AttemptStore token, then the same code works.
        await app.app.get<AttemptStore>(AttemptStore).resetAttempts(userId);
        await http()
          .post('/redeem')
          .set(user)
          .send({ code: codes[1] })
          .expect(200, { remaining: 2 });
        expect(await redisKeys()).toEqual([]);

        // A reset whose hook fails gives the code back (in PostgreSQL); the next one succeeds.
        failReset = true;
        await http().post('/reset').set(user).send({ code: codes[2] }).expect(500);
        failReset = false;
        await http()
          .get('/status')
          .set(user)
          .expect(200, /"remaining":2/);
        await http().post('/reset').set(user).send({ code: codes[2] }).expect(200, { reset: true });

        expect(app.app.get(RecoveryCodeStore)).toBeInstanceOf(PostgresRecoveryCodeStore);
        expect(await codeRows()).toBe(4);
        expect(await redisKeys()).toEqual([]);
      },
    );
  });
});

/** The code with its last character changed. */
function wrong(code: string): string {
  return `${code.slice(0, -1)}${code.endsWith('0') ? '1' : '0'}`;
}
