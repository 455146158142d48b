import { afterEach, describe, expect, it } from '@jest/globals';
import { ValidationPipe } from '@nestjs/common';
import request from 'supertest';
import {
  AsyncClassAppModule,
  AsyncFactoryAppModule,
  UsersService,
} from './async-config/app.module.js';
import { fixtureModule, MfaState } from './fixture/app.module.js';
import { RecordingStore } from '../src/store/testing/recording-store.js';
import { ADAPTERS, createTestApp, type AdapterName, type TestApp } from './utils/test-app.js';
import {
  AUTHENTICATION_REQUIRED_MESSAGE,
  InMemoryRecoveryCodeStore,
  MfaService,
  type MfaModuleOptions,
} from '../src/index.js';

const HEX_CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/;
const alice = { 'x-user-id': 'alice' };

describe.each(ADAPTERS)('recovery codes over HTTP (%s)', (adapter: AdapterName) => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  async function productPage(options: MfaModuleOptions = {}, state = new MfaState()) {
    const app = await createTestApp(
      { imports: [fixtureModule({ mfa: options, state })] },
      adapter,
      (a) => a.useGlobalPipes(new ValidationPipe()),
    );
    apps.push(app);
    return { ...app, mfa: app.app.get(MfaService), state };
  }

  async function generate(server: TestApp['server'], user = alice): Promise<string> {
    const res = await request(server).post('/me/mfa/recovery-codes').set(user).expect(201);
    return res.body.code as string;
  }

  describe("the product page's controller", () => {
    it('answers 201 with one code for the signed-in user', async () => {
      const { server, mfa } = await productPage();
      const res = await request(server).post('/me/mfa/recovery-codes').set(alice).expect(201);
      expect(Object.keys(res.body)).toEqual(['code']);
      expect(res.body.code).toMatch(HEX_CODE);
      expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 1 });
    });

    it('answers 401 without a signed-in user and creates nothing', async () => {
      const { server, mfa } = await productPage();
      const res = await request(server).post('/me/mfa/recovery-codes').expect(401);
      expect(res.body).toEqual({
        statusCode: 401,
        error: 'unauthorized',
        message: AUTHENTICATION_REQUIRED_MESSAGE,
      });
      expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 0 });
    });

    it('hands @CurrentUser() the user and @CurrentUser(key) one property', async () => {
      const { server } = await productPage();
      const res = await request(server).get('/me').set(alice).expect(200);
      expect(res.body).toEqual({
        user: { id: 'alice', name: 'alice example' },
        name: 'alice example',
      });
    });
  });

  describe('reset with a code', () => {
    it('disables MFA once, and refuses the same code again with 401', async () => {
      const { server, state } = await productPage();
      const code = await generate(server);
      const ok = await request(server).post('/me/mfa/reset').set(alice).send({ code }).expect(200);
      expect(ok.body).toEqual({ reset: true });
      expect(state.enabled.has('alice')).toBe(false);
      const again = await request(server)
        .post('/me/mfa/reset')
        .set(alice)
        .send({ code })
        .expect(401);
      expect(again.body).toEqual({
        statusCode: 401,
        error: 'invalid_recovery_code',
        message: 'The recovery code is invalid or has already been used.',
      });
    });

    it("refuses another user's code and leaves it valid", async () => {
      const { server, state } = await productPage();
      const code = await generate(server, { 'x-user-id': 'bob' });
      await request(server).post('/me/mfa/reset').set(alice).send({ code }).expect(401);
      await request(server)
        .post('/me/mfa/reset')
        .set({ 'x-user-id': 'bob' })
        .send({ code })
        .expect(200);
      expect(state.enabled.has('bob')).toBe(false);
    });

    it('restores the code when onMfaReset fails, answering 500 without details', async () => {
      let failing = true;
      const { server } = await productPage({
        onMfaReset: () => {
          if (failing) throw new Error('users database is read-only');
        },
      });
      const code = await generate(server);
      const res = await request(server).post('/me/mfa/reset').set(alice).send({ code }).expect(500);
      expect(JSON.stringify(res.body)).not.toContain('read-only');
      expect(JSON.stringify(res.body)).not.toContain(code);
      failing = false;
      await request(server).post('/me/mfa/reset').set(alice).send({ code }).expect(200);
    });
  });

  describe('the ten-call loop', () => {
    it('leaves exactly the ten newest codes valid, and a re-run invalidates them', async () => {
      const { server, mfa } = await productPage({ maxAttempts: 100 });
      const loop = async () =>
        (
          await Promise.all(
            Array.from({ length: 10 }, () =>
              request(server).post('/me/mfa/recovery-codes').set(alice).expect(201),
            ),
          )
        ).map((res) => res.body.code as string);
      const first = await loop();
      expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 10 });
      const second = await loop();
      expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 10 });
      for (const code of first) {
        await request(server)
          .post('/me/mfa/recovery-codes/redeem')
          .set(alice)
          .send({ code })
          .expect(401);
      }
      for (const [i, code] of second.entries()) {
        const res = await request(server)
          .post('/me/mfa/recovery-codes/redeem')
          .set(alice)
          .send({ code })
          .expect(200);
        expect(res.body).toEqual({ remaining: 9 - i });
      }
    });
  });

  describe('single use', () => {
    it('lets exactly one of 50 concurrent uses of one code succeed', async () => {
      const { server, mfa } = await productPage({ maxAttempts: 100 });
      const code = await generate(server);
      await generate(server);
      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          request(server).post('/me/mfa/recovery-codes/redeem').set(alice).send({ code }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 401)).toHaveLength(49);
      expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 1 });
    });
  });

  describe('lockout', () => {
    it('answers 429 with Retry-After after maxAttempts failures, even for a valid code, until the window passes', async () => {
      const clock = { now: Date.now() };
      const store = new InMemoryRecoveryCodeStore({ now: () => clock.now });
      const { server } = await productPage({ store, maxAttempts: 3, attemptWindowMs: 600_000 });
      const code = await generate(server);
      for (let i = 0; i < 3; i++) {
        await request(server)
          .post('/me/mfa/reset')
          .set(alice)
          .send({ code: 'ffffffff-ffff-ffff-ffff' })
          .expect(401);
      }
      clock.now += 60_000;
      const locked = await request(server)
        .post('/me/mfa/reset')
        .set(alice)
        .send({ code })
        .expect(429);
      expect(locked.headers['retry-after']).toBe('540');
      expect(locked.body).toEqual({
        statusCode: 429,
        error: 'too_many_attempts',
        message: 'Too many recovery code attempts. Try again later.',
        retryAfter: 540,
      });
      clock.now += 540_000;
      await request(server).post('/me/mfa/reset').set(alice).send({ code }).expect(200);
    });

    it('gives a parallel burst of wrong guesses at most maxAttempts checks', async () => {
      const { server } = await productPage({ maxAttempts: 5 });
      const code = await generate(server);
      const responses = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          request(server)
            .post('/me/mfa/recovery-codes/redeem')
            .set(alice)
            .send({ code: `${i}`.padStart(8, '0') + '-0000-0000-0000' }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(25);
      for (const res of responses.filter((r) => r.status === 429)) {
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
      await request(server)
        .post('/me/mfa/recovery-codes/redeem')
        .set(alice)
        .send({ code })
        .expect(429);
    });

    it('keeps counting per user: a locked-out user does not lock out another', async () => {
      const { server } = await productPage({ maxAttempts: 1 });
      const bobCode = await generate(server, { 'x-user-id': 'bob' });
      await request(server).post('/me/mfa/reset').set(alice).send({ code: 'x' }).expect(401);
      await request(server).post('/me/mfa/reset').set(alice).send({ code: 'x' }).expect(429);
      await request(server)
        .post('/me/mfa/reset')
        .set({ 'x-user-id': 'bob' })
        .send({ code: bobCode })
        .expect(200);
    });
  });

  describe('bad input', () => {
    const cases: [string, unknown][] = [
      ['a missing code', {}],
      ['a number', { code: 12345678 }],
      ['an empty string', { code: '' }],
      ['65 characters', { code: 'a'.repeat(65) }],
      ['non-ASCII', { code: 'a1b2c3d4-e5f6-7890-abcé' }],
      ['an array', { code: ['a1b2c3d4-e5f6-7890-abcd'] }],
      ['an object', { code: { value: 'a1b2c3d4-e5f6-7890-abcd' } }],
      ['null', { code: null }],
    ];

    it.each(cases)(
      'refuses %s with 400 and a clear message, consuming nothing',
      async (_, body) => {
        const { server, mfa } = await productPage({ maxAttempts: 1 });
        const code = await generate(server);
        for (const path of ['/me/mfa/reset', '/me/mfa/recovery-codes/redeem']) {
          const res = await request(server)
            .post(path)
            .set(alice)
            .send(body as object)
            .expect(400);
          expect(res.body.statusCode).toBe(400);
          expect(res.body.message).toContain(
            'code must be a string of 1 to 64 printable ASCII characters',
          );
        }
        expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 1 });
        // maxAttempts is 1: had the bad inputs counted as attempts, this would be a 429.
        await request(server).post('/me/mfa/reset').set(alice).send({ code }).expect(200);
      },
    );
  });

  describe('forRootAsync', () => {
    it('calls a hook injected through useFactory, with upstream auth and a global module', async () => {
      const app = await createTestApp({ imports: [AsyncFactoryAppModule] }, adapter);
      apps.push(app);
      const code = await generate(app.server);
      await request(app.server).post('/me/mfa/reset').set(alice).send({ code }).expect(200);
      expect(app.app.get(UsersService).mfaDisabledFor).toEqual(['alice']);
      const me = await request(app.server).get('/me').set(alice).expect(200);
      expect(me.body.user).toEqual({ id: 'alice', name: 'alice example' });
      await request(app.server).get('/me').expect(401);
    });

    it('takes options from a useClass factory, and validates input without ValidationPipe', async () => {
      const app = await createTestApp({ imports: [AsyncClassAppModule] }, adapter);
      apps.push(app);
      const code = await generate(app.server);
      const bad = await request(app.server)
        .post('/me/mfa/reset')
        .set(alice)
        .send({ code: ['x'] })
        .expect(400);
      expect(bad.body.message).toEqual([
        'code must be a string of 1 to 64 printable ASCII characters',
      ]);
      await request(app.server).post('/me/mfa/reset').set(alice).send({ code: 'nope' }).expect(401);
      await request(app.server).post('/me/mfa/reset').set(alice).send({ code: 'nope' }).expect(401);
      // maxAttempts: 2 from the options class
      await request(app.server).post('/me/mfa/reset').set(alice).send({ code }).expect(429);
    });
  });
});

describe('default argon2id parameters', () => {
  it('generate and reset work end to end, storing OWASP-baseline digests', async () => {
    const store = new RecordingStore();
    const app = await createTestApp(
      { imports: [fixtureModule({ mfa: { store, hashing: undefined } })] },
      'express',
    );
    try {
      const code = await generate(app.server);
      const append = store.calls.find((c) => c.method === 'append');
      expect((append?.args[1] as { digest: string }).digest).toMatch(
        /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/,
      );
      await request(app.server).post('/me/mfa/reset').set(alice).send({ code }).expect(200);
      await request(app.server).post('/me/mfa/reset').set(alice).send({ code }).expect(401);
      expect(store.seen()).not.toContain(code);
    } finally {
      await app.close();
    }
  });

  async function generate(server: TestApp['server']): Promise<string> {
    const res = await request(server).post('/me/mfa/recovery-codes').set(alice).expect(201);
    return res.body.code as string;
  }
});
