import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  ForbiddenException,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import request from 'supertest';
import {
  AUTHENTICATION_REQUIRED_MESSAGE,
  InMemoryRecoveryCodeStore,
  type MfaRedeemedContext,
  type MfaResetContext,
  type NestAuthRequest,
} from '../src/index.js';
import { fixtureModule, session, userFromHeaders } from './fixture/app.module.js';
import { ADAPTERS, createTestApp, type TestApp } from './utils/test-app.js';

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
  const resets: { userId: string; context?: MfaResetContext }[] = [];
  let sequence = 0;
  let user: Record<string, string>;

  beforeAll(async () => {
    store = new SwitchableStore();
    testApp = await createTestApp(
      {
        imports: [
          fixtureModule({
            routes: true,
            controllers: false,
            mfa: {
              store,
              maxAttempts: 2,
              onMfaReset: (userId, context) => void resets.push({ userId, context }),
            },
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
    user = session(`routes-${adapter}-${++sequence}`);
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

  it('POST reset answers 200 { reset: true } and calls onMfaReset once, with the request', async () => {
    const code = await generate();
    const res = await http().post('/me/mfa/reset').set(user).send({ code }).expect(200);
    expect(res.body).toEqual({ reset: true });
    const calls = resets.filter(({ userId }) => userId === user['x-user-id']);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.context?.request.headers['x-user-id']).toBe(user['x-user-id']);
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
  ] as const)('%s %s answers 401 unauthorized without a signed-in user', async (method, path) => {
    const res = await http()[method](path).send({ code: WRONG_CODE }).expect(401);
    expect(res.body).toEqual({
      statusCode: 401,
      error: 'unauthorized',
      message: AUTHENTICATION_REQUIRED_MESSAGE,
    });
  });
});

describe('the ready-made routes under a custom path', () => {
  it('mounts every route under routes.path', async () => {
    const testApp = await createTestApp(
      {
        imports: [
          fixtureModule({
            routes: { path: 'account/2fa' },
            controllers: false,
            mfa: { authenticate: () => ({ id: 'carol' }) },
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

/** A service of the importing app, which a guard class in `routes.guards` depends on. */
@Injectable()
class ApiKeys {
  readonly valid = new Set(['key-1']);
}

/** A guard class with a dependency, resolved by the injector of the module that imports MfaModule. */
@Injectable()
class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeys) {}

  canActivate(context: ExecutionContext): boolean {
    const key = context.switchToHttp().getRequest<NestAuthRequest>().headers['x-api-key'];
    return typeof key === 'string' && this.keys.valid.has(key);
  }
}

describe.each(ADAPTERS)('the ready-made routes with hooks and guards (%s)', (adapter) => {
  let testApp: TestApp;
  let sequence = 0;
  let user: Record<string, string>;
  const order: string[] = [];
  let onRedeemed: (context: MfaRedeemedContext) => unknown = () => undefined;

  beforeAll(async () => {
    const recordingGuard: CanActivate = {
      canActivate: () => {
        order.push('routes.guards');
        return true;
      },
    };
    const module = fixtureModule({
      routes: {
        guards: [recordingGuard, ApiKeyGuard],
        onRedeemed: (context) => onRedeemed(context) as object,
      },
      controllers: false,
      mfa: {
        maxAttempts: 100,
        authenticate: (request) => {
          order.push('authenticate');
          return userFromHeaders(request);
        },
      },
    });
    testApp = await createTestApp(
      { imports: [{ ...module, providers: [...(module.providers ?? []), ApiKeys] }] },
      adapter,
    );
  });

  afterAll(async () => {
    await testApp?.close();
  });

  beforeEach(() => {
    user = { ...session(`hooks-${adapter}-${++sequence}`), 'x-api-key': 'key-1' };
    order.length = 0;
    onRedeemed = () => undefined;
  });

  const http = () => request(testApp.server);
  const generate = async () =>
    (await http().post('/me/mfa/recovery-codes').set(user).expect(201)).body.code as string;
  const redeem = (code: string) =>
    http().post('/me/mfa/recovery-codes/redeem').set(user).send({ code });

  it('runs routes.guards before @Auth(), and answers 403 when one refuses', async () => {
    await http().get('/me/mfa/recovery-codes').set(user).expect(200);
    expect(order).toEqual(['routes.guards', 'authenticate']);
    order.length = 0;
    const res = await http()
      .get('/me/mfa/recovery-codes')
      .set({ ...user, 'x-api-key': 'stolen' })
      .expect(403);
    expect(res.body).toMatchObject({ statusCode: 403 });
    expect(order).toEqual(['routes.guards']);
  });

  it('merges the fields onRedeemed returns into the redeem response, after the code is spent', async () => {
    const code = await generate();
    await generate();
    const seen: unknown[] = [];
    onRedeemed = ({ user: redeemer, request: req, response, remaining }) => {
      seen.push(redeemer.id, req.headers['x-user-id'], typeof response, remaining);
      return { accessToken: `full-session-for-${redeemer.id}`, remaining: 99 };
    };
    const res = await redeem(code).expect(200);
    expect(res.body).toEqual({
      accessToken: `full-session-for-${user['x-user-id']}`,
      remaining: 1,
    });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(seen).toEqual([user['x-user-id'], user['x-user-id'], 'object', 1]);
    await redeem(code).expect(401);
  });

  it('restores the code when onRedeemed throws, answering 500 without details', async () => {
    const code = await generate();
    onRedeemed = () => {
      throw new Error('token service down');
    };
    const res = await redeem(code).expect(500);
    expect(JSON.stringify(res.body)).not.toContain('token service down');
    onRedeemed = () => undefined;
    await redeem(code).expect(200, { remaining: 0 });
  });

  it('passes an HttpException from onRedeemed through, and restores the code', async () => {
    const code = await generate();
    onRedeemed = () => {
      throw new ForbiddenException('account suspended');
    };
    const res = await redeem(code).expect(403);
    expect(res.body.message).toBe('account suspended');
    onRedeemed = () => ({});
    await redeem(code).expect(200, { remaining: 0 });
  });

  it('restores the code when onRedeemed returns something that cannot be merged', async () => {
    const code = await generate();
    onRedeemed = () => 'a token';
    await redeem(code).expect(500);
    onRedeemed = () => undefined;
    await redeem(code).expect(200, { remaining: 0 });
  });
});
