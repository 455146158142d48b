import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { MfaModule, type NestAuthRequest } from '../src/index.js';
import { ADAPTERS, createTestApp, FAST_HASHING, type TestApp } from './utils/test-app.js';

// HTTP-level proofs cited by docs/CONFORMANCE.md that no feature suite already makes.
describe.each(ADAPTERS)('conformance over the ready-made routes (%s)', (adapter) => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp(
      {
        imports: [
          MfaModule.forRoot({
            routes: true,
            hashing: FAST_HASHING,
            replaceOnUse: true,
            authenticate: (req: NestAuthRequest) => {
              const id = req.headers['x-user-id'];
              return typeof id === 'string' && id ? { id } : null;
            },
            onMfaReset: () => undefined,
          }),
        ],
      },
      adapter,
    );
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('hands out codes only to a signed-in user, in responses that must not be cached', async () => {
    const http = () => request(testApp.server);
    const user = { 'x-user-id': `conformance-${adapter}` };
    const one = await http().post('/me/mfa/recovery-codes').set(user).expect(201);
    const set = await http().put('/me/mfa/recovery-codes').set(user).send({ count: 3 }).expect(200);
    const redeemed = await http()
      .post('/me/mfa/recovery-codes/redeem')
      .set(user)
      .send({ code: set.body.codes[0] })
      .expect(200);
    const reset = await http()
      .post('/me/mfa/reset')
      .set(user)
      .send({ code: set.body.codes[1] })
      .expect(200);
    for (const res of [one, set, redeemed, reset]) {
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect(typeof redeemed.body.replacement).toBe('string');
    expect(typeof reset.body.replacement).toBe('string');

    for (const [method, path] of [
      ['post', '/me/mfa/recovery-codes'],
      ['put', '/me/mfa/recovery-codes'],
      ['post', '/me/mfa/recovery-codes/redeem'],
      ['post', '/me/mfa/reset'],
    ] as const) {
      const anonymous = await http()[method](path).send({ code: set.body.codes[2] });
      expect(anonymous.status).toBe(401);
      expect(JSON.stringify(anonymous.body)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
    }
  });
});
