import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { FAST_HASHING } from './codes/testing/fast-hashing.js';
import { RecoveryCodeHasher } from './codes/recovery-code.hasher.js';
import type { MfaEvent } from './mfa.events.js';
import { TooManyAttemptsException } from './mfa.exceptions.js';
import { MfaModule } from './mfa.module.js';
import type { MfaNotice } from './mfa.notices.js';
import { MfaService } from './mfa.service.js';
import type { MfaModuleOptions } from './mfa-module-options.interface.js';
import { InMemoryRecoveryCodeStore } from './store/in-memory-recovery-code.store.js';

const WRONG = 'ffffffff-ffff-ffff-ffff';

const modules: TestingModule[] = [];
afterEach(async () => {
  await Promise.all(modules.splice(0).map((m) => m.close()));
});

async function setup(options: MfaModuleOptions = {}) {
  const clock = { now: Date.now() };
  const store = new InMemoryRecoveryCodeStore({ now: () => clock.now });
  const notices: MfaNotice[] = [];
  const builder = Test.createTestingModule({
    imports: [
      MfaModule.forRoot({
        store,
        hashing: FAST_HASHING,
        notify: (notice) => void notices.push(notice),
        ...options,
      }),
    ],
  });
  builder.setLogger({ log() {}, error() {}, warn() {} });
  const moduleRef = await builder.compile();
  modules.push(moduleRef);
  const mfa = moduleRef.get(MfaService);
  const verify = jest.spyOn(moduleRef.get(RecoveryCodeHasher, { strict: false }), 'verify');
  const events: MfaEvent[] = [];
  mfa.events$.subscribe((event) => events.push(event));
  return { mfa, store, clock, verify, events, notices };
}

/** The HTTP status a call ends with (200 on success), or `'hook'` for the app's own error. */
async function status(call: Promise<unknown>): Promise<number | 'hook'> {
  try {
    await call;
    return 200;
  } catch (error) {
    if (error instanceof HttpException) return error.getStatus();
    return 'hook';
  }
}

/** Lets queued notices run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function refusal(call: Promise<unknown>): Promise<TooManyAttemptsException> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TooManyAttemptsException);
  return error as TooManyAttemptsException;
}

const failuresSeen = (events: MfaEvent[]) =>
  events.flatMap((e) => (e.type === 'failed_attempt' ? [e.failures] : []));

describe('MfaService lockout', () => {
  describe('after maxConsecutiveFailures', () => {
    it('locks the codes after failures counted across windows, and refuses even the right code with a permanent 429 that consumes nothing', async () => {
      const { mfa, clock, verify } = await setup({
        maxAttempts: 3,
        attemptWindowMs: 60_000,
        maxConsecutiveFailures: 5,
        onMfaReset: () => undefined,
      });
      const { code } = await mfa.generateRecoveryCode('alice');
      for (let i = 0; i < 3; i++)
        expect(await status(mfa.redeemRecoveryCode('alice', WRONG))).toBe(401);
      clock.now += 60_000;
      for (let i = 0; i < 2; i++)
        expect(await status(mfa.redeemRecoveryCode('alice', WRONG))).toBe(401);
      clock.now += 24 * 3_600_000; // a day later: no window lifts it
      const locked = await refusal(mfa.redeemRecoveryCode('alice', code));
      expect(locked.permanent).toBe(true);
      expect(locked.retryAfterSeconds).toBeNull();
      expect(locked.getStatus()).toBe(429);
      expect(locked.getResponse()).toEqual({
        statusCode: 429,
        error: 'too_many_attempts',
        message: expect.stringContaining('locked'),
        permanent: true,
      });
      await refusal(mfa.resetMfa('alice', code));
      expect(verify).toHaveBeenCalledTimes(5);
      expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 1 });
    });

    it('locks after 100 failures in a row by default, the most NIST SP 800-63B-4 allows', async () => {
      const { mfa, verify } = await setup({ maxAttempts: 1000 });
      const { code } = await mfa.generateRecoveryCode('alice');
      const outcomes: (number | 'hook')[] = [];
      for (let i = 0; i < 101; i++)
        outcomes.push(await status(mfa.redeemRecoveryCode('alice', WRONG)));
      expect(outcomes).toEqual([...Array(100).fill(401), 429]);
      expect(verify).toHaveBeenCalledTimes(100);
      expect((await refusal(mfa.redeemRecoveryCode('alice', code))).permanent).toBe(true);
    });

    it('counts only failures in a row: a success resets the count', async () => {
      const { mfa } = await setup({ maxAttempts: 100, maxConsecutiveFailures: 5 });
      const { codes } = await mfa.generateRecoveryCodes('alice', 2);
      for (let i = 0; i < 4; i++) await status(mfa.redeemRecoveryCode('alice', WRONG));
      await mfa.redeemRecoveryCode('alice', codes[0]);
      for (let i = 0; i < 4; i++)
        expect(await status(mfa.redeemRecoveryCode('alice', WRONG))).toBe(401);
      await expect(mfa.redeemRecoveryCode('alice', codes[1])).resolves.toMatchObject({
        remaining: 0,
      });
    });

    it('announces a permanent lock once, as an event and a notice, however many attempts race', async () => {
      const { mfa, verify, events, notices } = await setup({
        maxAttempts: 100,
        maxConsecutiveFailures: 5,
      });
      await mfa.generateRecoveryCodes('alice', 2);
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => status(mfa.redeemRecoveryCode('alice', WRONG))),
      );
      await status(mfa.redeemRecoveryCode('alice', WRONG));
      await settle();
      expect(outcomes.filter((o) => o === 401)).toHaveLength(5);
      expect(outcomes.filter((o) => o === 429)).toHaveLength(15);
      expect(verify).toHaveBeenCalledTimes(5);
      const locks = events.filter((e) => e.type === 'locked_out');
      expect(locks).toEqual([
        expect.objectContaining({ userId: 'alice', permanent: true, until: null }),
      ]);
      expect(notices.filter((n) => n.kind === 'locked_out')).toEqual([
        expect.objectContaining({ userId: 'alice', permanent: true, remaining: 2 }),
      ]);
    });

    it('does not count attempts refused with 429', async () => {
      const { mfa, clock, events } = await setup({
        maxAttempts: 2,
        attemptWindowMs: 60_000,
        maxConsecutiveFailures: 5,
      });
      for (let i = 0; i < 2; i++) await status(mfa.redeemRecoveryCode('alice', WRONG));
      for (let i = 0; i < 10; i++)
        expect(await status(mfa.redeemRecoveryCode('alice', WRONG))).toBe(429);
      clock.now += 60_000;
      expect(await status(mfa.redeemRecoveryCode('alice', WRONG))).toBe(401);
      expect(failuresSeen(events)).toEqual([1, 2, 3]);
    });

    it('is lifted by unlockRecoveryCodes(), which keeps the codes', async () => {
      const { mfa, events } = await setup({ maxAttempts: 100, maxConsecutiveFailures: 3 });
      const { code } = await mfa.generateRecoveryCode('alice');
      for (let i = 0; i < 3; i++) await status(mfa.redeemRecoveryCode('alice', WRONG));
      expect((await refusal(mfa.redeemRecoveryCode('alice', code))).permanent).toBe(true);
      await mfa.unlockRecoveryCodes('alice');
      expect(events.at(-1)).toMatchObject({ type: 'unlocked', userId: 'alice' });
      await expect(mfa.redeemRecoveryCode('alice', code)).resolves.toMatchObject({ remaining: 0 });
    });

    it('is lifted by a new set from generateRecoveryCodes(), not by one more generateRecoveryCode()', async () => {
      const { mfa } = await setup({ maxAttempts: 100, maxConsecutiveFailures: 3 });
      await mfa.generateRecoveryCode('alice');
      for (let i = 0; i < 3; i++) await status(mfa.redeemRecoveryCode('alice', WRONG));
      const { code: one } = await mfa.generateRecoveryCode('alice');
      expect((await refusal(mfa.redeemRecoveryCode('alice', one))).permanent).toBe(true);
      const { codes } = await mfa.generateRecoveryCodes('alice', 2);
      await expect(mfa.redeemRecoveryCode('alice', codes[0])).resolves.toMatchObject({
        remaining: 1,
      });
    });

    it('neither counts nor clears a reset whose onMfaReset throws', async () => {
      const { mfa, events } = await setup({
        maxAttempts: 100,
        maxConsecutiveFailures: 3,
        onMfaReset: () => {
          throw new Error('users table is read-only');
        },
      });
      const { code } = await mfa.generateRecoveryCode('alice');
      for (let i = 0; i < 2; i++) await status(mfa.redeemRecoveryCode('alice', WRONG));
      // Five valid resets whose hook fails: none of them locks the user out...
      for (let i = 0; i < 5; i++) expect(await status(mfa.resetMfa('alice', code))).toBe('hook');
      // ...and none forgave the two failures before them: the next failure is the third.
      expect(await status(mfa.redeemRecoveryCode('alice', WRONG))).toBe(401);
      expect(failuresSeen(events)).toEqual([1, 2, 3]);
      expect((await refusal(mfa.redeemRecoveryCode('alice', code))).permanent).toBe(true);
    });

    it('lets the smaller of maxAttempts and maxConsecutiveFailures bind first', async () => {
      const capFirst = await setup({ maxAttempts: 10, maxConsecutiveFailures: 3 });
      for (let i = 0; i < 3; i++) await status(capFirst.mfa.redeemRecoveryCode('alice', WRONG));
      expect((await refusal(capFirst.mfa.redeemRecoveryCode('alice', WRONG))).permanent).toBe(true);

      const windowFirst = await setup({ maxAttempts: 2, maxConsecutiveFailures: 3 });
      for (let i = 0; i < 2; i++) await status(windowFirst.mfa.redeemRecoveryCode('alice', WRONG));
      const refused = await refusal(windowFirst.mfa.redeemRecoveryCode('alice', WRONG));
      expect(refused.permanent).toBe(false);
      expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    });
  });

  describe('when the effect of a valid code fails', () => {
    it('does not forgive guesses when onRedeemed throws either, and does not count it as a failure', async () => {
      const { mfa, verify, events } = await setup({ maxAttempts: 3, attemptWindowMs: 60_000 });
      const { code } = await mfa.generateRecoveryCode('alice');
      const failing = {
        onRedeemed: () => {
          throw new Error('session store down');
        },
      };
      const outcomes: (number | 'hook')[] = [];
      for (let round = 0; round < 2; round++) {
        outcomes.push(await status(mfa.redeemRecoveryCode('alice', WRONG)));
        outcomes.push(await status(mfa.redeemRecoveryCode('alice', code, failing)));
      }
      expect(outcomes).toEqual([401, 'hook', 401, 429]);
      expect(verify).toHaveBeenCalledTimes(3);
      expect(failuresSeen(events)).toEqual([1, 2]);
    });
  });

  describe('when the reset hook fails', () => {
    it('does not forgive guesses: 4 rounds of 2 wrong codes and 1 failed reset check at most maxAttempts codes in one window', async () => {
      const { mfa, clock, verify } = await setup({
        maxAttempts: 3,
        attemptWindowMs: 60_000,
        onMfaReset: () => {
          throw new Error('users table is read-only');
        },
      });
      const { code } = await mfa.generateRecoveryCode('alice');
      const outcomes: (number | 'hook')[] = [];
      for (let round = 0; round < 4; round++) {
        outcomes.push(await status(mfa.redeemRecoveryCode('alice', WRONG)));
        outcomes.push(await status(mfa.redeemRecoveryCode('alice', WRONG)));
        outcomes.push(await status(mfa.resetMfa('alice', code)));
      }
      expect(verify).toHaveBeenCalledTimes(3);
      expect(outcomes).toEqual([401, 401, 'hook', ...Array(9).fill(429)]);
      // The code was restored, not burned: it works once the window has passed.
      clock.now += 60_000;
      await expect(mfa.redeemRecoveryCode('alice', code)).resolves.toMatchObject({ remaining: 0 });
    });
  });
});
