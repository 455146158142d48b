import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createNestAuthClient } from '../src/client/index.js';
import { MfaModule, type NestAuthRequest } from '../src/index.js';
import { ADAPTERS, createTestApp, FAST_HASHING, type TestApp } from './utils/test-app.js';

const HEX_CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/;

describe.each(ADAPTERS)('replaceOnUse over the ready-made routes (%s)', (adapter) => {
  let testApp: TestApp;
  let baseUrl: string;
  let sequence = 0;

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
    await testApp.app.listen(0, '127.0.0.1');
    baseUrl = (await testApp.app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const newUser = () => ({ 'x-user-id': `replace-${adapter}-${++sequence}` });
  const http = () => request(testApp.server);
  const generateSet = async (user: Record<string, string>) =>
    (await http().put('/me/mfa/recovery-codes').set(user).send({ count: 3 }).expect(200)).body
      .codes as string[];

  it('POST recovery-codes/redeem answers the replacement, not to be cached, and it works once', async () => {
    const user = newUser();
    const [code] = await generateSet(user);
    const res = await http().post('/me/mfa/recovery-codes/redeem').set(user).send({ code });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ remaining: 3, replacement: expect.stringMatching(HEX_CODE) });
    await http()
      .post('/me/mfa/recovery-codes/redeem')
      .set(user)
      .send({ code: res.body.replacement })
      .expect(200);
    await http().post('/me/mfa/recovery-codes/redeem').set(user).send({ code }).expect(401);
  });

  it('POST reset answers { reset: true, replacement }, not to be cached', async () => {
    const user = newUser();
    const [code] = await generateSet(user);
    const res = await http().post('/me/mfa/reset').set(user).send({ code }).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ reset: true, replacement: expect.stringMatching(HEX_CODE) });
  });

  it('hands the replacement to the typed client, for redeem and reset', async () => {
    const user = newUser();
    const client = createNestAuthClient({ baseUrl, headers: user });
    const { codes } = await client.generateRecoveryCodes(3);
    const redeemed = await client.redeemRecoveryCode(codes[0]!);
    expect(redeemed).toEqual({ remaining: 3, replacement: expect.stringMatching(HEX_CODE) });
    const reset = await client.resetMfa(codes[1]!);
    expect(reset).toEqual({ reset: true, replacement: expect.stringMatching(HEX_CODE) });
    expect((await client.getRecoveryCodeStatus()).remaining).toBe(3);
  });
});
