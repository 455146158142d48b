import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { RecoveryCodeHasher } from './codes/recovery-code.hasher.js';
import type { MfaEvent } from './mfa.events.js';
import { MfaModule } from './mfa.module.js';
import { MfaService } from './mfa.service.js';
import type { MfaModuleOptions } from './mfa-module-options.interface.js';
import { InMemoryRecoveryCodeStore } from './store/in-memory-recovery-code.store.js';

const FAST_HASHING = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const WRONG = 'ffffffff-ffff-ffff-ffff';

const modules: TestingModule[] = [];
afterEach(async () => {
  await Promise.all(modules.splice(0).map((m) => m.close()));
});

async function setup(options: MfaModuleOptions = {}) {
  const clock = { now: Date.now() };
  const store = new InMemoryRecoveryCodeStore({ now: () => clock.now });
  const builder = Test.createTestingModule({
    imports: [MfaModule.forRoot({ store, hashing: FAST_HASHING, ...options })],
  });
  builder.setLogger({ log() {}, error() {}, warn() {} });
  const moduleRef = await builder.compile();
  modules.push(moduleRef);
  const mfa = moduleRef.get(MfaService);
  const verify = jest.spyOn(moduleRef.get(RecoveryCodeHasher, { strict: false }), 'verify');
  const events: MfaEvent[] = [];
  mfa.events$.subscribe((event) => events.push(event));
  return { mfa, store, clock, verify, events };
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

describe('MfaService lockout', () => {
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
