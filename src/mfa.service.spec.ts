import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { FAST_HASHING } from './codes/testing/fast-hashing.js';
import { RecordingStore } from './store/testing/recording-store.js';
import { RecoveryCodeHasher } from './codes/recovery-code.hasher.js';
import type { MfaEvent } from './mfa.events.js';
import {
  InvalidRecoveryCodeException,
  MfaConfigurationError,
  RecoveryCodeInputException,
  RecoveryCodeStoreUnavailableException,
  TooManyAttemptsException,
} from './mfa.exceptions.js';
import { MfaModule } from './mfa.module.js';
import { MfaService } from './mfa.service.js';
import type { MfaModuleOptions } from './mfa-module-options.interface.js';

const modules: TestingModule[] = [];
afterEach(async () => {
  await Promise.all(modules.splice(0).map((m) => m.close()));
});

async function setup(options: MfaModuleOptions = {}, logger?: LoggerService) {
  const clock = { now: Date.now() };
  const store = new RecordingStore({ now: () => clock.now });
  const resets: string[] = [];
  const builder = Test.createTestingModule({
    imports: [
      MfaModule.forRoot({
        store,
        hashing: FAST_HASHING,
        onMfaReset: (userId) => void resets.push(userId),
        ...options,
      }),
    ],
  });
  // Store faults are logged on purpose; keep them out of the test output unless a spec reads them.
  builder.setLogger(logger ?? { log() {}, error() {}, warn() {} });
  const moduleRef = await builder.compile();
  modules.push(moduleRef);
  const mfa = moduleRef.get(MfaService);
  const verify = jest.spyOn(moduleRef.get(RecoveryCodeHasher, { strict: false }), 'verify');
  const events: MfaEvent[] = [];
  mfa.events$.subscribe((event) => events.push(event));
  return { mfa, store, clock, verify, events, resets };
}

/** Whether a code still works. It redeems the code, so a code that works is spent afterwards. */
async function redeemable(mfa: MfaService, userId: string, code: string): Promise<boolean> {
  try {
    await mfa.redeemRecoveryCode(userId, code);
    return true;
  } catch (error) {
    if (error instanceof InvalidRecoveryCodeException) return false;
    throw error;
  }
}

describe('MfaService', () => {
  describe('generateRecoveryCode', () => {
    it('returns one hex code shaped like the product page example', async () => {
      const { mfa } = await setup();
      const { code } = await mfa.generateRecoveryCode('alice');
      expect(code).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/);
      expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 1 });
    });

    it('leaves exactly ten valid codes after ten concurrent calls, and a re-run invalidates them', async () => {
      const { mfa } = await setup({ maxAttempts: 100 });
      const loop = () =>
        Promise.all(Array.from({ length: 10 }, () => mfa.generateRecoveryCode('alice'))).then(
          (results) => results.map((r) => r.code),
        );
      const first = await loop();
      const second = await loop();
      expect(new Set([...first, ...second]).size).toBe(20);
      expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 10 });
      for (const code of first) expect(await redeemable(mfa, 'alice', code)).toBe(false);
      for (const code of second) expect(await redeemable(mfa, 'alice', code)).toBe(true);
    });

    it('keeps only the newest maxActiveCodes codes', async () => {
      const { mfa } = await setup({ maxActiveCodes: 3 });
      const codes: string[] = [];
      for (let i = 0; i < 5; i++) codes.push((await mfa.generateRecoveryCode('alice')).code);
      expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 3 });
      expect(await redeemable(mfa, 'alice', codes[0])).toBe(false);
      expect(await redeemable(mfa, 'alice', codes[4])).toBe(true);
    });
  });

  describe('generateRecoveryCodes', () => {
    it('replaces every earlier code with a fresh set of maxActiveCodes by default', async () => {
      const { mfa } = await setup();
      const { code: old } = await mfa.generateRecoveryCode('alice');
      const { codes } = await mfa.generateRecoveryCodes('alice');
      expect(codes).toHaveLength(10);
      expect(new Set(codes).size).toBe(10);
      expect(await redeemable(mfa, 'alice', old)).toBe(false);
      expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 10 });
    });

    it('creates the requested number of codes', async () => {
      const { mfa } = await setup();
      expect((await mfa.generateRecoveryCodes('alice', 4)).codes).toHaveLength(4);
    });

    it.each([0, -1, 1.5, 11, 101, Number.NaN])(
      'refuses a count of %p with a 400',
      async (count) => {
        const { mfa, store } = await setup();
        await expect(mfa.generateRecoveryCodes('alice', count)).rejects.toBeInstanceOf(
          RecoveryCodeInputException,
        );
        expect(store.calls).toHaveLength(0);
      },
    );
  });

  describe('redeemRecoveryCode', () => {
    it('consumes the code once and reports what remains', async () => {
      const { mfa } = await setup();
      const { codes } = await mfa.generateRecoveryCodes('alice', 3);
      await expect(mfa.redeemRecoveryCode('alice', codes[1])).resolves.toEqual({ remaining: 2 });
      await expect(mfa.redeemRecoveryCode('alice', codes[1])).rejects.toBeInstanceOf(
        InvalidRecoveryCodeException,
      );
    });

    it('accepts the code in upper case, with spaces instead of dashes or none at all', async () => {
      const { mfa } = await setup();
      const { codes } = await mfa.generateRecoveryCodes('alice', 3);
      await mfa.redeemRecoveryCode('alice', codes[0].toUpperCase());
      await mfa.redeemRecoveryCode('alice', ` ${codes[1].replace(/-/g, ' ')} `);
      await expect(mfa.redeemRecoveryCode('alice', codes[2].replace(/-/g, ''))).resolves.toEqual({
        remaining: 0,
      });
    });

    it('accepts base32 look-alikes when the format is base32', async () => {
      const { mfa } = await setup({ codeFormat: 'base32' });
      const { code } = await mfa.generateRecoveryCode('alice');
      const typed = code.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l');
      await expect(mfa.redeemRecoveryCode('alice', typed)).resolves.toEqual({ remaining: 0 });
    });

    it('refuses a code of another user', async () => {
      const { mfa } = await setup();
      const { code } = await mfa.generateRecoveryCode('alice');
      await expect(mfa.redeemRecoveryCode('bob', code)).rejects.toBeInstanceOf(
        InvalidRecoveryCodeException,
      );
      expect(await redeemable(mfa, 'alice', code)).toBe(true);
    });

    it('answers wrong, unknown, used and revoked codes with the same 401', async () => {
      const { mfa } = await setup({ maxAttempts: 100 });
      const { codes } = await mfa.generateRecoveryCodes('alice', 3);
      await mfa.redeemRecoveryCode('alice', codes[0]);
      const wrongSecret = codes[1].slice(0, -1) + (codes[1].endsWith('0') ? '1' : '0');
      const { code: revoked } = await mfa.generateRecoveryCode('carol');
      await mfa.revokeRecoveryCodes('carol');
      const attempts: [string, string][] = [
        ['alice', wrongSecret],
        ['alice', 'ffffffff-ffff-ffff-ffff'],
        ['alice', 'not a code at all'],
        ['nobody', codes[2]],
        ['alice', codes[0]],
        ['carol', revoked],
      ];
      const bodies = [];
      for (const [user, code] of attempts) {
        const error = await mfa.redeemRecoveryCode(user, code).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidRecoveryCodeException);
        bodies.push((error as InvalidRecoveryCodeException).getResponse());
      }
      expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
      expect(bodies[0]).toMatchObject({ statusCode: 401, error: 'invalid_recovery_code' });
    });

    it('lets exactly one of 50 concurrent redemptions of one code succeed', async () => {
      const { mfa } = await setup({ maxAttempts: 100 });
      const { code } = await mfa.generateRecoveryCode('alice');
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => mfa.redeemRecoveryCode('alice', code)),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const failures = results.filter((r) => r.status === 'rejected');
      expect(failures).toHaveLength(49);
      for (const f of failures) expect(f.reason).toBeInstanceOf(InvalidRecoveryCodeException);
    });
  });

  describe('cost of an attempt', () => {
    async function verifiesPerAttempt(storedCodes: number): Promise<number[]> {
      const { mfa, verify } = await setup({ maxActiveCodes: 100, maxAttempts: 1000 });
      const { codes } = await mfa.generateRecoveryCodes('alice', storedCodes);
      const known = codes[codes.length - 1];
      const sameLookupWrongSecret = known.slice(0, 9) + 'ffff-ffff-ffff';
      const guesses: [string, string][] = [
        ['alice', sameLookupWrongSecret],
        ['alice', '00000000-0000-0000-0000'],
        ['alice', 'garbage'],
        ['stranger', known],
        ['alice', known],
      ];
      const counts: number[] = [];
      for (const [user, guess] of guesses) {
        verify.mockClear();
        await mfa.redeemRecoveryCode(user, guess).catch(() => undefined);
        counts.push(verify.mock.calls.length);
      }
      return counts;
    }

    it('is exactly one argon2 verification per attempt, with 1, 10 or 100 stored codes', async () => {
      const one = await verifiesPerAttempt(1);
      const ten = await verifiesPerAttempt(10);
      const hundred = await verifiesPerAttempt(100);
      expect(one).toEqual([1, 1, 1, 1, 1]);
      expect(ten).toEqual(one);
      expect(hundred).toEqual(one);
    });

    it('verifies a miss against a real argon2id digest at the configured parameters', async () => {
      const { mfa, verify } = await setup();
      await mfa.redeemRecoveryCode('nobody', 'a1b2c3d4-e5f6-7890-abcd').catch(() => undefined);
      expect(verify).toHaveBeenCalledTimes(1);
      expect(verify.mock.calls[0][0]).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
    });
  });

  describe('brute force', () => {
    it('refuses with 429 after maxAttempts failures, even a valid code, until the window passes', async () => {
      const { mfa, clock, events } = await setup({ maxAttempts: 3, attemptWindowMs: 60_000 });
      const { code } = await mfa.generateRecoveryCode('alice');
      for (let i = 0; i < 3; i++) {
        await expect(
          mfa.redeemRecoveryCode('alice', 'ffffffff-ffff-ffff-ffff'),
        ).rejects.toBeInstanceOf(InvalidRecoveryCodeException);
      }
      clock.now += 20_000;
      const locked = await mfa.redeemRecoveryCode('alice', code).catch((e: unknown) => e);
      expect(locked).toBeInstanceOf(TooManyAttemptsException);
      expect((locked as TooManyAttemptsException).retryAfterSeconds).toBe(40);
      expect((locked as TooManyAttemptsException).getResponse()).toMatchObject({
        statusCode: 429,
        error: 'too_many_attempts',
        retryAfter: 40,
      });
      expect(events.filter((e) => e.type === 'locked_out')).toHaveLength(1);
      clock.now += 40_000;
      await expect(mfa.redeemRecoveryCode('alice', code)).resolves.toEqual({ remaining: 0 });
    });

    it('gives a parallel burst of wrong guesses at most maxAttempts checks', async () => {
      const { mfa, verify } = await setup({ maxAttempts: 5 });
      await mfa.generateRecoveryCodes('alice', 10);
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) =>
          mfa.redeemRecoveryCode('alice', `0000000${i % 10}-0000-0000-0000`),
        ),
      );
      const reasons = results.map((r) => (r.status === 'rejected' ? r.reason : r.value));
      expect(verify).toHaveBeenCalledTimes(5);
      expect(reasons.filter((r) => r instanceof InvalidRecoveryCodeException)).toHaveLength(5);
      expect(reasons.filter((r) => r instanceof TooManyAttemptsException)).toHaveLength(35);
    });

    it('clears the count after a success', async () => {
      const { mfa } = await setup({ maxAttempts: 3 });
      const { codes } = await mfa.generateRecoveryCodes('alice', 3);
      for (let i = 0; i < 2; i++) await mfa.redeemRecoveryCode('alice', 'x').catch(() => undefined);
      await mfa.redeemRecoveryCode('alice', codes[0]);
      for (let i = 0; i < 2; i++) await mfa.redeemRecoveryCode('alice', 'x').catch(() => undefined);
      await expect(mfa.redeemRecoveryCode('alice', codes[1])).resolves.toEqual({ remaining: 1 });
    });

    it('counts attempts per user', async () => {
      const { mfa } = await setup({ maxAttempts: 2 });
      const { code } = await mfa.generateRecoveryCode('bob');
      for (let i = 0; i < 3; i++) await mfa.redeemRecoveryCode('alice', 'x').catch(() => undefined);
      await expect(mfa.redeemRecoveryCode('bob', code)).resolves.toEqual({ remaining: 0 });
    });
  });

  describe('bad input', () => {
    const bad: [string, unknown][] = [
      ['missing', undefined],
      ['null', null],
      ['a number', 12345678],
      ['empty', ''],
      ['over 64 characters', 'a'.repeat(65)],
      ['non-ASCII', 'a1b2c3d4-e5f6-7890-abcé'],
      ['a control character', 'a1b2c3d4\n'],
      ['an array', ['a1b2c3d4-e5f6-7890-abcd']],
      ['an object', { code: 'a1b2c3d4-e5f6-7890-abcd' }],
    ];

    it.each(bad)(
      'refuses %s with a 400 before hashing or counting an attempt',
      async (_, input) => {
        const { mfa, verify, store } = await setup({ maxAttempts: 1 });
        const { code } = await mfa.generateRecoveryCode('alice');
        store.calls.length = 0;
        const error = await mfa
          .redeemRecoveryCode('alice', input as string)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RecoveryCodeInputException);
        expect((error as RecoveryCodeInputException).getStatus()).toBe(400);
        expect(verify).not.toHaveBeenCalled();
        expect(store.calls).toHaveLength(0);
        await expect(mfa.redeemRecoveryCode('alice', code)).resolves.toEqual({ remaining: 0 });
      },
    );
  });

  describe('resetMfa', () => {
    it('consumes the code and calls onMfaReset with the user id', async () => {
      const { mfa, resets, events } = await setup();
      const { codes } = await mfa.generateRecoveryCodes('alice', 3);
      await mfa.resetMfa('alice', codes[0]);
      expect(resets).toEqual(['alice']);
      expect(await redeemable(mfa, 'alice', codes[0])).toBe(false);
      expect(await redeemable(mfa, 'alice', codes[1])).toBe(true);
      expect(events.map((e) => e.type)).toEqual(
        expect.arrayContaining(['generated', 'used', 'reset']),
      );
    });

    it('fails with a configuration error naming the fix, without touching the code', async () => {
      const { mfa, verify } = await setup({ onMfaReset: undefined });
      const { code } = await mfa.generateRecoveryCode('alice');
      const error = await mfa.resetMfa('alice', code).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MfaConfigurationError);
      expect((error as Error).message).toContain('configure `onMfaReset` in MfaModule.forRoot()');
      expect(verify).not.toHaveBeenCalled();
      expect(await redeemable(mfa, 'alice', code)).toBe(true);
    });

    it('restores the code and propagates the error when onMfaReset throws', async () => {
      const failure = new Error('users table is read-only');
      const { mfa, events } = await setup({
        onMfaReset: () => {
          throw failure;
        },
      });
      const { code } = await mfa.generateRecoveryCode('alice');
      await expect(mfa.resetMfa('alice', code)).rejects.toBe(failure);
      expect(events.some((e) => e.type === 'reset' || e.type === 'used')).toBe(false);
      expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 1 });
      expect(await redeemable(mfa, 'alice', code)).toBe(true);
    });

    it('revokes the other codes when revokeAllOnReset is set', async () => {
      const { mfa } = await setup({ revokeAllOnReset: true });
      const { codes } = await mfa.generateRecoveryCodes('alice', 3);
      await mfa.resetMfa('alice', codes[0]);
      expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 0 });
      expect(await redeemable(mfa, 'alice', codes[1])).toBe(false);
    });
  });

  describe('status and revoke', () => {
    it('reports remaining codes and when they were generated and last used, never codes', async () => {
      const { mfa, clock } = await setup();
      expect(await mfa.getRecoveryCodeStatus('alice')).toEqual({
        remaining: 0,
        generatedAt: null,
        lastUsedAt: null,
      });
      const generatedAt = clock.now;
      const { codes } = await mfa.generateRecoveryCodes('alice', 2);
      clock.now += 5_000;
      await mfa.redeemRecoveryCode('alice', codes[0]);
      const status = await mfa.getRecoveryCodeStatus('alice');
      expect(status).toEqual({
        remaining: 1,
        generatedAt: new Date(generatedAt),
        lastUsedAt: new Date(generatedAt + 5_000),
      });
      expect(JSON.stringify(status)).not.toContain(codes[1]);
    });

    it('revokes every code at once', async () => {
      const { mfa, events } = await setup();
      const { codes } = await mfa.generateRecoveryCodes('alice', 3);
      await mfa.revokeRecoveryCodes('alice');
      expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 0 });
      expect(await redeemable(mfa, 'alice', codes[0])).toBe(false);
      expect(events.at(-2)).toMatchObject({ type: 'revoked', userId: 'alice' });
    });
  });

  describe('events$', () => {
    it('announces low and exhausted codes, each with the user id and a timestamp', async () => {
      const { mfa, events } = await setup({ lowCodesThreshold: 1 });
      const { codes } = await mfa.generateRecoveryCodes('alice', 3);
      await mfa.redeemRecoveryCode('alice', codes[0]);
      await mfa.redeemRecoveryCode('alice', codes[1]);
      await mfa.redeemRecoveryCode('alice', codes[2]);
      expect(events.map((e) => e.type)).toEqual([
        'generated',
        'used',
        'used',
        'low',
        'used',
        'exhausted',
      ]);
      expect(events[3]).toMatchObject({ type: 'low', remaining: 1 });
      for (const event of events) {
        expect(event.userId).toBe('alice');
        expect(event.timestamp).toBeInstanceOf(Date);
      }
    });

    it('reports failed attempts with their count', async () => {
      const { mfa, events } = await setup({ maxAttempts: 4 });
      await mfa.redeemRecoveryCode('alice', 'wrong').catch(() => undefined);
      expect(events).toEqual([
        expect.objectContaining({ type: 'failed_attempt', attempts: 1, maxAttempts: 4 }),
      ]);
    });
  });

  describe('secrecy', () => {
    it('never lets a code reach the store, the events or an error', async () => {
      const { mfa, store, events } = await setup({ maxAttempts: 100 });
      const single = await mfa.generateRecoveryCode('alice');
      const batch = await mfa.generateRecoveryCodes('alice', 5);
      const codes = [single.code, ...batch.codes];
      const errors: unknown[] = [];
      await mfa.redeemRecoveryCode('alice', batch.codes[0]);
      await mfa.resetMfa('alice', batch.codes[1]);
      errors.push(await mfa.redeemRecoveryCode('alice', batch.codes[0]).catch((e: unknown) => e));
      errors.push(await mfa.redeemRecoveryCode('alice', single.code).catch((e: unknown) => e));
      await mfa.getRecoveryCodeStatus('alice');

      const digests = store.calls
        .filter((c) => c.method === 'replaceAll' || c.method === 'append')
        .flatMap((c) => (c.method === 'append' ? [c.args[1]] : (c.args[1] as unknown[])))
        .map((record) => (record as { digest: string }).digest);
      expect(digests).toHaveLength(6);
      for (const digest of digests) expect(digest).toMatch(/^\$argon2id\$/);

      const exposed = [
        store.seen(),
        JSON.stringify(events),
        ...errors.map((e) =>
          JSON.stringify({
            message: (e as Error).message,
            body: (e as InvalidRecoveryCodeException).getResponse(),
          }),
        ),
      ].join('\n');
      for (const code of codes) {
        expect(exposed).not.toContain(code);
        expect(exposed).not.toContain(code.replace(/-/g, ''));
        expect(exposed).not.toContain(code.slice(0, 8));
      }
    });
  });

  describe('logs', () => {
    it('name the user and the failing operation, never a code', async () => {
      const lines: string[] = [];
      const record = (...parts: unknown[]) => void lines.push(parts.map(String).join(' '));
      const logger = { log: record, error: record, warn: record, debug: record, verbose: record };
      const { mfa, store } = await setup(
        {
          onMfaReset: () => {
            throw new Error('hook down');
          },
        },
        logger,
      );
      const { codes } = await mfa.generateRecoveryCodes('alice', 3);
      store.failing.add('restore');
      await mfa.resetMfa('alice', codes[0]).catch(() => undefined);
      store.failing.add('consume');
      await mfa.redeemRecoveryCode('alice', codes[1]).catch(() => undefined);
      store.failing.add('resetAttempts');
      store.failing.delete('consume');
      await mfa.redeemRecoveryCode('alice', codes[2]);
      const log = lines.join('\n');
      expect(log).toMatch(/onMfaReset failed .* user alice could not be restored/);
      expect(log).toMatch(/failed in consume\(\)/);
      expect(log).toMatch(/Could not clear recovery code attempts of user alice/);
      for (const code of codes) {
        expect(log).not.toContain(code);
        expect(log).not.toContain(code.slice(0, 8));
      }
    });
  });

  describe('store faults', () => {
    it('turns a failing store into a 503 that leaks nothing', async () => {
      const { mfa, store } = await setup();
      store.failing.add('append');
      const error = await mfa.generateRecoveryCode('alice').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RecoveryCodeStoreUnavailableException);
      const body = JSON.stringify((error as RecoveryCodeStoreUnavailableException).getResponse());
      expect(body).toContain('store_unavailable');
      expect(body).not.toMatch(/hunter2|postgres|append/);
    });

    it('does not burn a code when the consume step fails', async () => {
      const { mfa, store } = await setup();
      const { code } = await mfa.generateRecoveryCode('alice');
      store.failing.add('consume');
      await expect(mfa.redeemRecoveryCode('alice', code)).rejects.toBeInstanceOf(
        RecoveryCodeStoreUnavailableException,
      );
      store.failing.clear();
      await expect(mfa.redeemRecoveryCode('alice', code)).resolves.toEqual({ remaining: 0 });
    });

    it('still succeeds when only clearing the attempt counter fails', async () => {
      const { mfa, store } = await setup();
      const { code } = await mfa.generateRecoveryCode('alice');
      store.failing.add('resetAttempts');
      await expect(mfa.redeemRecoveryCode('alice', code)).resolves.toEqual({ remaining: 0 });
    });
  });

  describe('configuration', () => {
    it.each<[string, MfaModuleOptions]>([
      ['maxActiveCodes', { maxActiveCodes: 0 }],
      ['maxAttempts', { maxAttempts: 1.5 }],
      ['attemptWindowMs', { attemptWindowMs: -1 }],
      ['codeFormat', { codeFormat: 'emoji' as 'hex' }],
      ['hashing.memoryCost', { hashing: { memoryCost: 4 } }],
      ['hashing.timeCost', { hashing: { timeCost: 0 } }],
      ['hashing.parallelism', { hashing: { parallelism: 0.5 } }],
      ['hashing.maxConcurrency', { hashing: { maxConcurrency: 0 } }],
    ])('refuses a bad %s at startup with a message naming the option', async (name, options) => {
      await expect(setup(options)).rejects.toThrow(name);
    });

    it('refuses an empty user id with a message naming the fix', async () => {
      const { mfa } = await setup();
      await expect(mfa.generateRecoveryCode('')).rejects.toThrow(
        'userId must be a non-empty string',
      );
    });
  });
});
