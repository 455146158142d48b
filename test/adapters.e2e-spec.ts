import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ValidationPipe } from '@nestjs/common';
import request from 'supertest';
import {
  AUTHENTICATION_REQUIRED_MESSAGE,
  INVALID_RECOVERY_CODE_MESSAGE,
  InMemoryRecoveryCodeStore,
  RECOVERY_CODE_INPUT_MESSAGE,
  STORE_UNAVAILABLE_MESSAGE,
  TOO_MANY_ATTEMPTS_MESSAGE,
} from '../src/index.js';
import { fixtureModule, MfaState, withAdapterHook, type SignIn } from './fixture/app.module.js';
import { ADAPTERS, createTestApp, type TestApp } from './utils/test-app.js';

const HEX_CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/;
const WRONG_CODE = '00000000-0000-0000-0000';
const MAX_ATTEMPTS = 3;
const WINDOW_SECONDS = 60;

/** Users with MFA enabled; `onMfaReset` removes them. */
const state = new MfaState();
const usersWithMfa = state.enabled;

const mfaOptions = { maxAttempts: MAX_ATTEMPTS, attemptWindowMs: WINDOW_SECONDS * 1000 };

/** A store whose database is down. */
class UnavailableStore extends InMemoryRecoveryCodeStore {
  override async append(): Promise<boolean> {
    throw new Error('connection refused');
  }
}

let userSeq = 0;
/** A fresh user per test, so attempt counters never leak between tests. */
function newUser(): string {
  const id = `user-${++userSeq}`;
  usersWithMfa.add(id);
  return id;
}

describe.each(ADAPTERS)('on the %s adapter', (adapter) => {
  describe.each<[string, SignIn]>([
    ['the authenticate option', 'authenticate'],
    ['a request.user set by a Nest middleware', 'middleware'],
    ['a request.user set by an upstream guard (passport)', 'guard'],
    ['a request.user set by an Express middleware or a Fastify hook', 'adapter-hook'],
  ])('@Auth() with %s', (_how, signIn) => {
    let testApp: TestApp;
    const post = (path: string, user?: string) => {
      const req = request(testApp.server).post(path);
      return user === undefined ? req : req.set('x-user-id', user);
    };

    beforeAll(async () => {
      testApp = await createTestApp(
        { imports: [fixtureModule({ signIn, mfa: mfaOptions, state })] },
        adapter,
        (app) => {
          app.useGlobalPipes(new ValidationPipe());
          if (signIn === 'adapter-hook') withAdapterHook(app, adapter);
        },
      );
    });

    afterAll(async () => {
      await testApp.close();
    });

    it('generates a code: 201 with a JSON body holding only the code', async () => {
      const response = await post('/me/mfa/recovery-codes', newUser()).expect(201);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual({ code: expect.stringMatching(HEX_CODE) });
    });

    it('answers 401 unauthorized without a signed-in user', async () => {
      const response = await post('/me/mfa/recovery-codes').expect(401);
      expect(response.body).toEqual({
        statusCode: 401,
        error: 'unauthorized',
        message: AUTHENTICATION_REQUIRED_MESSAGE,
      });
    });

    it('refuses generate to a session that still owes the second factor, and lets it reset', async () => {
      const user = newUser();
      const { body } = await post('/me/mfa/recovery-codes', user).expect(201);
      const refused = await post('/me/mfa/recovery-codes', user).set('x-mfa-pending', 'true');
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('mfa_required');
      await post('/me/mfa/reset', user)
        .set('x-mfa-pending', 'true')
        .send({ code: body.code })
        .expect(200, { reset: true });
      expect(usersWithMfa.has(user)).toBe(false);
    });

    it('redeems a code once: 200 with the remaining count, then 401 invalid_recovery_code', async () => {
      const user = newUser();
      const { body } = await post('/me/mfa/recovery-codes', user).expect(201);
      await post('/me/mfa/recovery-codes/redeem', user)
        .send({ code: body.code })
        .expect(200, { remaining: 0 });
      const reuse = await post('/me/mfa/recovery-codes/redeem', user)
        .send({ code: body.code })
        .expect(401);
      expect(reuse.body.error).toBe('invalid_recovery_code');
    });

    it('resets MFA with a code, then refuses the same code with 401 invalid_recovery_code', async () => {
      const user = newUser();
      const { body } = await post('/me/mfa/recovery-codes', user).expect(201);

      await post('/me/mfa/reset', user).send({ code: body.code }).expect(200, { reset: true });
      expect(usersWithMfa.has(user)).toBe(false);

      const reuse = await post('/me/mfa/reset', user).send({ code: body.code }).expect(401);
      expect(reuse.body).toEqual({
        statusCode: 401,
        error: 'invalid_recovery_code',
        message: INVALID_RECOVERY_CODE_MESSAGE,
      });
    });

    it("refuses another user's code with 401", async () => {
      const { body } = await post('/me/mfa/recovery-codes', newUser()).expect(201);
      const response = await post('/me/mfa/reset', newUser()).send({ code: body.code });
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_recovery_code');
    });

    it('refuses a malformed code with 400 Bad Request', async () => {
      const response = await post('/me/mfa/reset', newUser())
        .send({ code: 'x'.repeat(65) })
        .expect(400);
      expect(response.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: [RECOVERY_CODE_INPUT_MESSAGE],
      });
    });

    it('locks out after maxAttempts with 429 too_many_attempts and a Retry-After header', async () => {
      const user = newUser();
      const { body } = await post('/me/mfa/recovery-codes', user).expect(201);
      for (let i = 0; i < MAX_ATTEMPTS; i++) {
        await post('/me/mfa/reset', user).send({ code: WRONG_CODE }).expect(401);
      }

      // Even the valid code is refused now, and not consumed.
      const locked = await post('/me/mfa/reset', user).send({ code: body.code }).expect(429);
      const retryAfter = Number(locked.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
      expect(locked.body).toEqual({
        statusCode: 429,
        error: 'too_many_attempts',
        message: TOO_MANY_ATTEMPTS_MESSAGE,
        retryAfter,
      });
      expect(usersWithMfa.has(user)).toBe(true);
    });

    it('sends no Retry-After on answers other than 429', async () => {
      const response = await post('/me/mfa/reset', newUser()).send({ code: WRONG_CODE });
      expect(response.status).toBe(401);
      expect(response.headers['retry-after']).toBeUndefined();
    });

    it('gives @CurrentUser() the whole user and @CurrentUser("id") its id', async () => {
      await request(testApp.server)
        .get('/me')
        .set('x-user-id', 'erin')
        .expect(200, { user: { id: 'erin', name: 'erin example' }, name: 'erin example' });
      await request(testApp.server)
        .get('/me/id')
        .set('x-user-id', 'erin')
        .expect(200, { id: 'erin' });
    });

    it('guards every handler of a controller decorated with @Auth()', async () => {
      await request(testApp.server)
        .get('/guarded')
        .set('x-user-id', 'frank')
        .expect(200, { id: 'frank' });
      await request(testApp.server).get('/guarded').expect(401);
    });

    it('leaves @CurrentUser() undefined on an unguarded route when no one is signed in', async () => {
      await request(testApp.server).get('/open').expect(200, { signedIn: false });
    });
  });

  describe('a store that fails', () => {
    let testApp: TestApp;

    beforeAll(async () => {
      testApp = await createTestApp(
        { imports: [fixtureModule({ mfa: { store: new UnavailableStore() } })] },
        adapter,
      );
    });

    afterAll(async () => {
      await testApp.close();
    });

    it('answers 503 store_unavailable without the cause', async () => {
      const response = await request(testApp.server)
        .post('/me/mfa/recovery-codes')
        .set('x-user-id', 'dana')
        .expect(503);
      expect(response.body).toEqual({
        statusCode: 503,
        error: 'store_unavailable',
        message: STORE_UNAVAILABLE_MESSAGE,
      });
      expect(JSON.stringify(response.body)).not.toContain('connection refused');
    });
  });
});
