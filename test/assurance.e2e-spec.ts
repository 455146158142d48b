import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { MfaService } from '../src/index.js';
import { FIXTURE_MAX_AUTH_AGE, fixtureModule, session } from './fixture/app.module.js';
import { ADAPTERS, createTestApp, type TestApp } from './utils/test-app.js';

const MAX_AUTH_AGE = 300_000;

/** The sessions of the matrix, as header sets for a given user id. */
const ASSURANCES = {
  pending: (id: string) => session(id, { pending: true, authenticatedAt: Date.now() }),
  verified: (id: string) => session(id, { authenticatedAt: new Date().toISOString() }),
  stale: (id: string) => session(id, { authenticatedAt: Date.now() - MAX_AUTH_AGE - 60_000 }),
  'missing authenticatedAt': (id: string) => session(id),
  'no user': () => ({}),
} as const;
type Assurance = keyof typeof ASSURANCES;

const ROUTES = {
  'generate (POST)': { method: 'post', path: '/me/mfa/recovery-codes', ok: 201 },
  'regenerate (PUT)': { method: 'put', path: '/me/mfa/recovery-codes', ok: 200 },
  status: { method: 'get', path: '/me/mfa/recovery-codes', ok: 200 },
  revoke: { method: 'delete', path: '/me/mfa/recovery-codes', ok: 204 },
  redeem: { method: 'post', path: '/me/mfa/recovery-codes/redeem', ok: 200 },
  reset: { method: 'post', path: '/me/mfa/reset', ok: 200 },
} as const;
type Route = keyof typeof ROUTES;

/** The `error` each cell expects; `undefined` means the route answers its success status. */
const EXPECTED: Record<Assurance, Record<Route, string | undefined>> = {
  pending: {
    'generate (POST)': 'mfa_required',
    'regenerate (PUT)': 'mfa_required',
    status: 'mfa_required',
    revoke: 'mfa_required',
    redeem: undefined,
    reset: undefined,
  },
  verified: {
    'generate (POST)': undefined,
    'regenerate (PUT)': undefined,
    status: undefined,
    revoke: undefined,
    redeem: undefined,
    reset: undefined,
  },
  stale: {
    'generate (POST)': 'reauthentication_required',
    'regenerate (PUT)': 'reauthentication_required',
    status: undefined,
    revoke: 'reauthentication_required',
    redeem: undefined,
    reset: undefined,
  },
  'missing authenticatedAt': {
    'generate (POST)': 'reauthentication_required',
    'regenerate (PUT)': 'reauthentication_required',
    status: undefined,
    revoke: 'reauthentication_required',
    redeem: undefined,
    reset: undefined,
  },
  'no user': {
    'generate (POST)': 'unauthorized',
    'regenerate (PUT)': 'unauthorized',
    status: 'unauthorized',
    revoke: 'unauthorized',
    redeem: 'unauthorized',
    reset: 'unauthorized',
  },
};

const cells = (Object.keys(EXPECTED) as Assurance[]).flatMap((assurance) =>
  (Object.keys(ROUTES) as Route[]).map((route) => [assurance, route] as const),
);

describe.each(ADAPTERS)('session assurance on the ready-made routes (%s)', (adapter) => {
  let testApp: TestApp;
  let mfa: MfaService;
  let sequence = 0;

  beforeAll(async () => {
    testApp = await createTestApp(
      {
        imports: [
          fixtureModule({
            routes: { maxAuthAge: MAX_AUTH_AGE },
            controllers: false,
            mfa: { maxAttempts: 100 },
          }),
        ],
      },
      adapter,
    );
    mfa = testApp.app.get(MfaService);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it.each(cells)('%s session, %s', async (assurance, route) => {
    const userId = `assurance-${adapter}-${++sequence}`;
    // Every user holds a valid code, so a redeem or reset that gets past the guard succeeds.
    const { code } = await mfa.generateRecoveryCode(userId);
    const { method, path, ok } = ROUTES[route];
    const res = await request(testApp.server)
      [method](path)
      .set(ASSURANCES[assurance](userId))
      .send(method === 'put' ? { count: 2 } : { code });
    const error = EXPECTED[assurance][route];
    expect({ status: res.status, error: res.body?.error }).toEqual({
      status: error === undefined ? ok : 401,
      error,
    });
    // A refused request changed nothing: the code is still there.
    if (error !== undefined) {
      expect(await mfa.getRecoveryCodeStatus(userId)).toMatchObject({ remaining: 1 });
    }
  });
});

describe.each(ADAPTERS)('@Auth() options on an app controller (%s)', (adapter) => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ imports: [fixtureModule()] }, adapter);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const get = (path: string, headers: Record<string, string>) =>
    request(testApp.server).get(path).set(headers);

  it("lets a handler's @Auth() override its controller's", async () => {
    const pending = session('gina', { pending: true });
    await get('/guarded', pending).expect(200, { id: 'gina' });
    const strict = await get('/guarded/strict', pending).expect(401);
    expect(strict.body.error).toBe('mfa_required');
    await get('/guarded/strict', session('gina')).expect(200, { id: 'gina' });
  });

  it('applies maxAuthAge: a recent sign-in passes, an older one is refused with a message to act on', async () => {
    await get('/me/recent', session('hank', { authenticatedAt: Date.now() - 1000 })).expect(200);
    const stale = await get(
      '/me/recent',
      session('hank', { authenticatedAt: Date.now() - FIXTURE_MAX_AUTH_AGE - 1000 }),
    ).expect(401);
    expect(stale.body).toEqual({
      statusCode: 401,
      error: 'reauthentication_required',
      message: 'This action needs a recent sign-in. Sign in again, then retry.',
    });
  });

  it('refuses an MFA-pending session on @Auth() with a message to act on', async () => {
    const res = await get('/me', session('ivy', { pending: true })).expect(401);
    expect(res.body).toEqual({
      statusCode: 401,
      error: 'mfa_required',
      message: 'Finish signing in with your second factor, or a recovery code, to continue.',
    });
  });
});
