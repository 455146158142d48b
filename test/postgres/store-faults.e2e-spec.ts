import { afterAll, beforeAll, expect, it } from '@jest/globals';
import request from 'supertest';
import { MfaModule, STORE_UNAVAILABLE_MESSAGE } from '../../src/index.js';
import { PostgresRecoveryCodeStore } from '../../src/postgres/index.js';
import { createTestApp, FAST_HASHING, type TestApp } from '../utils/test-app.js';
import { MfaController } from './cross-process/mfa.controller.js';
import { createTestDatabase, describePostgres, type TestDatabase } from './pg-harness.js';

const unavailable = {
  statusCode: 503,
  error: 'store_unavailable',
  message: STORE_UNAVAILABLE_MESSAGE,
};

describePostgres({ ownCluster: true })(
  'PostgresRecoveryCodeStore while the database is down',
  () => {
    let db: TestDatabase;
    let app: TestApp;
    const resets: string[] = [];
    const user = { 'x-user-id': 'fault-user' };

    beforeAll(async () => {
      db = await createTestDatabase('faults', { ownCluster: true });
      // The store builds and owns its pool, with the default connection timeout.
      const store = new PostgresRecoveryCodeStore({ connectionString: db.url });
      await store.migrate();
      app = await createTestApp(
        {
          imports: [
            MfaModule.forRoot({
              store,
              hashing: FAST_HASHING,
              authenticate: (req) => ({ id: String(req.headers['x-user-id']) }),
              onMfaReset: (userId) => {
                resets.push(userId);
              },
            }),
          ],
          controllers: [MfaController],
        },
        'express',
      );
    }, 120_000);

    afterAll(async () => {
      await app?.close();
      await db?.close();
    });

    it('answers 503 store_unavailable without internals, consumes nothing, and recovers without a restart', async () => {
      const http = () => request(app.server);
      const codes: string[] = [];
      for (let i = 0; i < 3; i++) codes.push((await http().post('/codes').set(user)).body.code);
      await http().post('/redeem').set(user).send({ code: codes[0] }).expect(200);

      const cluster = db.cluster;
      if (!cluster) throw new Error('the fault test needs its own cluster');
      await cluster.halt();

      for (const response of [
        await http().post('/redeem').set(user).send({ code: codes[1] }),
        await http().post('/reset').set(user).send({ code: codes[2] }),
        await http().post('/codes').set(user),
        await http().get('/status').set(user),
      ]) {
        expect(response.status).toBe(503);
        expect(response.body).toEqual(unavailable);
      }
      expect(resets).toEqual([]);

      await cluster.resume();

      // The same app, with the pool reconnecting on its own: both codes are still there.
      await http()
        .get('/status')
        .set(user)
        .expect(200, /"remaining":2/);
      await http().post('/redeem').set(user).send({ code: codes[1] }).expect(200, { remaining: 1 });
      await http().post('/reset').set(user).send({ code: codes[2] }).expect(200, { reset: true });
      expect(resets).toEqual(['fault-user']);
    });
  },
);
