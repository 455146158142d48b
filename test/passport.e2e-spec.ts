import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest,
} from '@jest/globals';
import { Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import {
  JwtVerifyAppModule,
  MAX_ATTEMPTS,
  PassportAppModule,
  usersWithMfa,
  type AccessClaims,
} from './passport/app.module.js';
import { ADAPTERS, createTestApp, type TestApp } from './utils/test-app.js';

const WRONG_CODE = '00000000-0000-0000-0000';
const nowSeconds = () => Math.floor(Date.now() / 1000);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.each(ADAPTERS)('a passport-jwt + @nestjs/jwt app (%s)', (adapter) => {
  let testApp: TestApp;
  let jwt: JwtService;
  let sequence = 0;
  let userId: string;

  beforeAll(async () => {
    testApp = await createTestApp({ imports: [PassportAppModule] }, adapter);
    jwt = testApp.app.get(JwtService);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  beforeEach(() => {
    userId = `jwt-${adapter}-${++sequence}`;
    usersWithMfa.add(userId);
  });

  const http = () => request(testApp.server);
  const token = (claims: Partial<AccessClaims> = {}, expiresIn: number | '15m' = '15m') =>
    jwt.sign(
      { sub: userId, auth_time: nowSeconds(), mfa_pending: false, ...claims },
      { expiresIn },
    );
  const login = async () =>
    (await http().post('/auth/login').send({ userId }).expect(200)).body.accessToken as string;
  const generate = async (access = token()) =>
    (await http().post('/me/mfa/recovery-codes').set(bearer(access)).expect(201)).body
      .code as string;

  it('finishes a sign-in with a recovery code: pending token, redeem, fully signed-in token', async () => {
    const code = await generate();
    const pending = await login();

    // The password-only token cannot mint a code (the mint-and-spend hole stays shut).
    const mint = await http().post('/me/mfa/recovery-codes').set(bearer(pending)).expect(401);
    expect(mint.body.error).toBe('mfa_required');

    const redeemed = await http()
      .post('/me/mfa/recovery-codes/redeem')
      .set(bearer(pending))
      .send({ code })
      .expect(200);
    expect(redeemed.body).toEqual({ remaining: 0, accessToken: expect.any(String) });
    const claims = jwt.verify<AccessClaims>(redeemed.body.accessToken);
    expect(claims).toMatchObject({ sub: userId, mfa_pending: false });

    await generate(redeemed.body.accessToken);
    const reuse = await http()
      .post('/me/mfa/recovery-codes/redeem')
      .set(bearer(redeemed.body.accessToken))
      .send({ code })
      .expect(401);
    expect(reuse.body.error).toBe('invalid_recovery_code');
  });

  it('lets a pending token reset MFA', async () => {
    const code = await generate();
    await http()
      .post('/me/mfa/reset')
      .set(bearer(await login()))
      .send({ code })
      .expect(200, { reset: true });
    expect(usersWithMfa.has(userId)).toBe(false);
  });

  it('reads the user passport put on request.principal (PassportModule.register({ property }))', async () => {
    const res = await http().get('/account/me').set(bearer(token())).expect(200);
    expect(res.body).toMatchObject({ id: userId, mfaPending: false });
  });

  it('refuses generate and revoke to a token whose auth_time is older than routes.maxAuthAge', async () => {
    const old = token({ auth_time: nowSeconds() - 3600 });
    const generateOld = await http().post('/me/mfa/recovery-codes').set(bearer(old)).expect(401);
    expect(generateOld.body.error).toBe('reauthentication_required');
    const revokeOld = await http().delete('/me/mfa/recovery-codes').set(bearer(old)).expect(401);
    expect(revokeOld.body.error).toBe('reauthentication_required');
    await http().get('/me/mfa/recovery-codes').set(bearer(old)).expect(200);
  });

  it('answers 401, not 500, to an expired token or none at all', async () => {
    const expired = token({}, -60);
    await http().get('/me/mfa/recovery-codes').set(bearer(expired)).expect(401);
    await http().get('/me/mfa/recovery-codes').expect(401);
    await http().get('/account/me').set(bearer(expired)).expect(401);
  });

  it('sends Retry-After on a lockout of a passport-guarded route without @Auth()', async () => {
    const access = token();
    const code = await generate(access);
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await http()
        .post('/account/redeem')
        .set(bearer(access))
        .send({ code: WRONG_CODE })
        .expect(401);
    }
    const locked = await http()
      .post('/account/redeem')
      .set(bearer(access))
      .send({ code })
      .expect(429);
    expect(locked.body).toMatchObject({ statusCode: 429, error: 'too_many_attempts' });
    expect(locked.body.retryAfter).toBeGreaterThan(0);
    expect(locked.headers['retry-after']).toBe(String(locked.body.retryAfter));
  });
});

describe.each(ADAPTERS)('authenticate with jwt.verify() (%s)', (adapter) => {
  let testApp: TestApp;
  let jwt: JwtService;
  let warn: jest.SpiedFunction<Logger['warn']>;

  beforeAll(async () => {
    testApp = await createTestApp({ imports: [JwtVerifyAppModule] }, adapter);
    jwt = testApp.app.get(JwtService);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  const sign = (expiresIn: number) =>
    jwt.sign({ sub: 'olga', auth_time: nowSeconds(), mfa_pending: false }, { expiresIn });

  it('answers 401 unauthorized to an expired token, logging only the error name', async () => {
    const expired = sign(-60);
    const res = await request(testApp.server)
      .get('/me/mfa/recovery-codes')
      .set(bearer(expired))
      .expect(401);
    expect(res.body.error).toBe('unauthorized');
    const logged = warn.mock.calls.map((call) => call.map(String).join(' ')).join('\n');
    expect(logged).toContain('TokenExpiredError');
    expect(logged).not.toContain(expired);
    expect(logged).not.toContain('jwt expired');
  });

  it('answers 401 unauthorized to a forged token, and 200 to a valid one', async () => {
    const forged = new JwtService({ secret: 'not-the-secret' }).sign({ sub: 'olga' });
    const res = await request(testApp.server)
      .get('/me/mfa/recovery-codes')
      .set(bearer(forged))
      .expect(401);
    expect(res.body.error).toBe('unauthorized');
    await request(testApp.server)
      .get('/me/mfa/recovery-codes')
      .set(bearer(sign(60)))
      .expect(200);
  });
});
