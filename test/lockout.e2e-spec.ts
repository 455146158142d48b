import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { MfaModule, MfaService, type NestAuthRequest } from '../src/index.js';
import { ADAPTERS, createTestApp, FAST_HASHING, type TestApp } from './utils/test-app.js';

const WRONG_CODE = '00000000-0000-0000-0000';

describe.each(ADAPTERS)('the consecutive-failure lock over HTTP (%s)', (adapter) => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp(
      {
        imports: [
          MfaModule.forRoot({
            routes: true,
            hashing: FAST_HASHING,
            maxAttempts: 50,
            maxConsecutiveFailures: 3,
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

  it('answers 429 too_many_attempts with permanent: true and no Retry-After, until unlocked', async () => {
    const user = { 'x-user-id': `lock-${adapter}` };
    const http = () => request(testApp.server);
    const { code } = (await http().post('/me/mfa/recovery-codes').set(user).expect(201)).body;
    for (let i = 0; i < 3; i++) {
      await http().post('/me/mfa/reset').set(user).send({ code: WRONG_CODE }).expect(401);
    }
    for (const path of ['/me/mfa/reset', '/me/mfa/recovery-codes/redeem']) {
      const res = await http().post(path).set(user).send({ code }).expect(429);
      expect(res.body).toEqual({
        statusCode: 429,
        error: 'too_many_attempts',
        message: expect.stringContaining('locked'),
        permanent: true,
      });
      expect(res.headers['retry-after']).toBeUndefined();
    }
    expect((await http().get('/me/mfa/recovery-codes').set(user).expect(200)).body).toMatchObject({
      remaining: 1,
    });

    await testApp.app.get(MfaService).unlockRecoveryCodes(user['x-user-id']);
    await http().post('/me/mfa/recovery-codes/redeem').set(user).send({ code }).expect(200);
  });
});
