import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { InMemoryRecoveryCodeStore, MfaModule, type NestAuthRequest } from '../src/index.js';
import { ADAPTERS, createTestApp, FAST_HASHING, type TestApp } from './utils/test-app.js';

const HEX_CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/;
const WRONG_CODE = '00000000-0000-0000-0000';

/** The in-memory store with a switch that makes it fail like a database that went down. */
class SwitchableStore extends InMemoryRecoveryCodeStore {
  down = false;

  override async status(userId: string) {
    if (this.down) throw new Error('connection refused');
    return super.status(userId);
  }

  override async reserveAttempt(...args: Parameters<InMemoryRecoveryCodeStore['reserveAttempt']>) {
    if (this.down) throw new Error('connection refused');
    return super.reserveAttempt(...args);
  }
}

describe.each(ADAPTERS)('the ready-made routes (%s)', (adapter) => {
  let testApp: TestApp;
  let store: SwitchableStore;
  const resets: string[] = [];
  let sequence = 0;
  let user: { 'x-user-id': string };

  beforeAll(async () => {
    store = new SwitchableStore();
    testApp = await createTestApp(
      {
        imports: [
          MfaModule.forRoot({
            routes: true,
            store,
            hashing: FAST_HASHING,
            maxAttempts: 2,
            authenticate: (req: NestAuthRequest) => {
              const id = req.headers['x-user-id'];
              return typeof id === 'string' && id ? { id } : null;
            },
            onMfaReset: (userId) => void resets.push(userId),
          }),
        ],
      },
      adapter,
    );
  });

  afterAll(async () => {
    await testApp?.close();
  });

  beforeEach(() => {
    user = { 'x-user-id': `routes-${adapter}-${++sequence}` };
    store.down = false;
  });

  const http = () => request(testApp.server);
  const generate = async () =>
    (await http().post('/me/mfa/recovery-codes').set(user).expect(201)).body.code as string;

  it('POST recovery-codes answers 201 with one code, not to be cached', async () => {
    const res = await http().post('/me/mfa/recovery-codes').set(user).expect(201);
    expect(Object.keys(res.body)).toEqual(['code']);
    expect(res.body.code).toMatch(HEX_CODE);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('PUT recovery-codes answers 200 with a fresh set of count codes, not to be cached', async () => {
    const old = await generate();
    const res = await http().put('/me/mfa/recovery-codes').set(user).send({ count: 3 }).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.codes).toHaveLength(3);
    for (const code of res.body.codes) expect(code).toMatch(HEX_CODE);
    await http().post('/me/mfa/recovery-codes/redeem').set(user).send({ code: old }).expect(401);
  });

  it('PUT recovery-codes without a count gives maxActiveCodes (10)', async () => {
    const res = await http().put('/me/mfa/recovery-codes').set(user).send({}).expect(200);
    expect(res.body.codes).toHaveLength(10);
  });

  it('PUT recovery-codes refuses a count out of range with 400', async () => {
    const res = await http().put('/me/mfa/recovery-codes').set(user).send({ count: 0 }).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(Array.isArray(res.body.message)).toBe(true);
  });

  it('GET recovery-codes reports the status with ISO dates and never a code', async () => {
    const empty = await http().get('/me/mfa/recovery-codes').set(user).expect(200);
    expect(empty.body).toEqual({ remaining: 0, generatedAt: null, lastUsedAt: null });

    const code = await generate();
    await generate();
    await http().post('/me/mfa/recovery-codes/redeem').set(user).send({ code }).expect(200);
    const res = await http().get('/me/mfa/recovery-codes').set(user).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.remaining).toBe(1);
    expect(new Date(res.body.generatedAt).toISOString()).toBe(res.body.generatedAt);
    expect(new Date(res.body.lastUsedAt).toISOString()).toBe(res.body.lastUsedAt);
    expect(JSON.stringify(res.body)).not.toContain(code);
  });

  it('DELETE recovery-codes answers 204 and revokes every code', async () => {
    const code = await generate();
    const res = await http().delete('/me/mfa/recovery-codes').set(user).expect(204);
    expect(res.text).toBe('');
    await http().post('/me/mfa/recovery-codes/redeem').set(user).send({ code }).expect(401);
  });

  it('POST recovery-codes/redeem answers 200 with the remaining count, once per code', async () => {
    const code = await generate();
    await generate();
    const res = await http()
      .post('/me/mfa/recovery-codes/redeem')
      .set(user)
      .send({ code: code.toUpperCase() })
      .expect(200);
    expect(res.body).toEqual({ remaining: 1 });
    const again = await http()
      .post('/me/mfa/recovery-codes/redeem')
      .set(user)
      .send({ code })
      .expect(401);
    expect(again.body).toMatchObject({ statusCode: 401, error: 'invalid_recovery_code' });
  });

  it('POST reset answers 200 { reset: true } and calls onMfaReset once', async () => {
    const code = await generate();
    const res = await http().post('/me/mfa/reset').set(user).send({ code }).expect(200);
    expect(res.body).toEqual({ reset: true });
    expect(resets.filter((id) => id === user['x-user-id'])).toHaveLength(1);
    await http().post('/me/mfa/reset').set(user).send({ code }).expect(401);
  });

  it.each([
    ['a missing code', {}],
    ['an empty code', { code: '' }],
    ['a number', { code: 12345 }],
    ['non-ASCII', { code: 'ä1b2c3d4' }],
    ['65 characters', { code: 'a'.repeat(65) }],
  ])('POST reset answers 400 for %s', async (_name, body) => {
    const res = await http().post('/me/mfa/reset').set(user).send(body).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.body.message).toEqual([
      'code must be a string of 1 to 64 printable ASCII characters',
    ]);
  });

  it('answers 429 too_many_attempts with Retry-After after maxAttempts wrong codes', async () => {
    const code = await generate();
    for (let i = 0; i < 2; i++) {
      await http().post('/me/mfa/reset').set(user).send({ code: WRONG_CODE }).expect(401);
    }
    const res = await http().post('/me/mfa/reset').set(user).send({ code }).expect(429);
    expect(res.body).toMatchObject({ statusCode: 429, error: 'too_many_attempts' });
    expect(res.body.retryAfter).toBeGreaterThan(0);
    expect(res.headers['retry-after']).toBe(String(res.body.retryAfter));
  });

  it('answers 503 store_unavailable when the store fails, without the cause', async () => {
    store.down = true;
    const status = await http().get('/me/mfa/recovery-codes').set(user).expect(503);
    expect(status.body).toMatchObject({ statusCode: 503, error: 'store_unavailable' });
    expect(JSON.stringify(status.body)).not.toContain('connection refused');
    await http()
      .post('/me/mfa/recovery-codes/redeem')
      .set(user)
      .send({ code: WRONG_CODE })
      .expect(503);
  });

  it.each([
    ['post', '/me/mfa/recovery-codes'],
    ['put', '/me/mfa/recovery-codes'],
    ['get', '/me/mfa/recovery-codes'],
    ['delete', '/me/mfa/recovery-codes'],
    ['post', '/me/mfa/recovery-codes/redeem'],
    ['post', '/me/mfa/reset'],
  ] as const)('%s %s answers 401 without a signed-in user', async (method, path) => {
    const res = await http()[method](path).send({ code: WRONG_CODE }).expect(401);
    expect(res.body).toEqual({ statusCode: 401, message: 'Unauthorized' });
  });
});

describe('the ready-made routes under a custom path', () => {
  it('mounts every route under routes.path', async () => {
    const testApp = await createTestApp(
      {
        imports: [
          MfaModule.forRoot({
            routes: { path: 'account/2fa' },
            hashing: FAST_HASHING,
            authenticate: () => ({ id: 'carol' }),
          }),
        ],
      },
      'express',
    );
    try {
      await request(testApp.server).post('/account/2fa/recovery-codes').expect(201);
      await request(testApp.server).get('/account/2fa/recovery-codes').expect(200);
      await request(testApp.server).get('/me/mfa/recovery-codes').expect(404);
    } finally {
      await testApp.close();
    }
  });
});
