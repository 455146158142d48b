import { afterEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { RecoveryCodeHasher } from './codes/recovery-code.hasher.js';
import { FAST_HASHING } from './codes/testing/fast-hashing.js';
import { MfaConfigurationError } from './mfa.exceptions.js';
import { MfaOverloadedException } from './mfa-limits.exceptions.js';
import { MfaModule } from './mfa.module.js';
import { MfaService } from './mfa.service.js';
import type { MfaModuleOptions } from './mfa-module-options.interface.js';
import { InMemoryRecoveryCodeStore } from './store/in-memory-recovery-code.store.js';

// Cheap argon2id parameters, so a queue of them drains in milliseconds.
const FAST = FAST_HASHING;

/** The in-memory store, counting the attempts it reserves per user. */
class CountingStore extends InMemoryRecoveryCodeStore {
  readonly reserved = new Map<string, number>();

  override async reserveAttempt(...args: Parameters<InMemoryRecoveryCodeStore['reserveAttempt']>) {
    this.reserved.set(args[0], (this.reserved.get(args[0]) ?? 0) + 1);
    return super.reserveAttempt(...args);
  }
}

const modules: TestingModule[] = [];
afterEach(async () => {
  await Promise.all(modules.splice(0).map((m) => m.close()));
});

async function setup(options: MfaModuleOptions = {}) {
  const store = new CountingStore();
  const moduleRef = await Test.createTestingModule({
    imports: [MfaModule.forRoot({ store, maxAttempts: 100, ...options })],
  }).compile();
  modules.push(moduleRef);
  await moduleRef.init();
  return {
    mfa: moduleRef.get(MfaService),
    hasher: moduleRef.get(RecoveryCodeHasher, { strict: false }),
    store,
  };
}

describe('MfaService hashing under load', () => {
  it('lets a redemption overtake another user’s queued generation', async () => {
    const { mfa } = await setup({
      hashing: { ...FAST, maxConcurrency: 1, maxQueue: 1000 },
      maxActiveCodes: 50,
    });
    const { codes } = await mfa.generateRecoveryCodes('bystander', 1);
    const finished: string[] = [];
    const flood = mfa.generateRecoveryCodes('flooder', 50).then(() => finished.push('flood'));
    const redeem = mfa
      .redeemRecoveryCode('bystander', codes[0]!)
      .then(() => finished.push('redeem'));
    await Promise.all([flood, redeem]);
    expect(finished).toEqual(['redeem', 'flood']);
  });

  it('refuses work beyond hashing.maxQueue with 503 overloaded, counting no attempt', async () => {
    const { mfa, store } = await setup({
      hashing: { ...FAST, maxConcurrency: 1, maxQueue: 10 },
    });
    const { codes } = await mfa.generateRecoveryCodes('alice', 10);
    // Ten users' checks fill the verification lane; the eleventh is refused at once.
    const checks = Array.from({ length: 10 }, (_, i) =>
      mfa.redeemRecoveryCode(`user-${i}`, 'a1b2c3d4-e5f6-7890-abcd').catch((e: unknown) => e),
    );
    const refused = await mfa.redeemRecoveryCode('bob', 'a1b2c3d4-e5f6-7890-abcd').catch((e) => e);
    expect(refused).toBeInstanceOf(MfaOverloadedException);
    expect((refused as MfaOverloadedException).getStatus()).toBe(503);
    expect((refused as MfaOverloadedException).getResponse()).toMatchObject({
      error: 'overloaded',
      retryAfter: expect.any(Number),
    });
    expect((refused as MfaOverloadedException).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(store.reserved.get('bob')).toBeUndefined();
    await Promise.all(checks);

    // Drained: the next redemption is admitted and works.
    await expect(mfa.redeemRecoveryCode('alice', codes[0]!)).resolves.toEqual({ remaining: 9 });
  });

  it('never refuses a redemption because of another user’s generation', async () => {
    const { mfa } = await setup({ hashing: { ...FAST, maxConcurrency: 1, maxQueue: 10 } });
    const { codes } = await mfa.generateRecoveryCodes('bystander', 2);
    const flood = mfa.generateRecoveryCodes('flooder', 10);
    await expect(mfa.generateRecoveryCodes('carol', 10)).rejects.toBeInstanceOf(
      MfaOverloadedException,
    );
    await expect(mfa.redeemRecoveryCode('bystander', codes[0]!)).resolves.toEqual({
      remaining: 1,
    });
    await flood;
  });

  it('admits or refuses a set as a whole, leaving the refused user’s codes as they were', async () => {
    const { mfa } = await setup({ hashing: { ...FAST, maxConcurrency: 1, maxQueue: 12 } });
    const { codes: before } = await mfa.generateRecoveryCodes('carol', 5);
    const first = mfa.generateRecoveryCodes('alice', 10);
    await expect(mfa.generateRecoveryCodes('carol', 5)).rejects.toBeInstanceOf(
      MfaOverloadedException,
    );
    await expect(mfa.generateRecoveryCode('dave')).resolves.toMatchObject({
      code: expect.any(String),
    });
    await first;
    expect(await mfa.getRecoveryCodeStatus('carol')).toMatchObject({ remaining: 5 });
    await expect(mfa.redeemRecoveryCode('carol', before[0]!)).resolves.toEqual({ remaining: 4 });
  });

  it('derives maxQueue from the hash time measured at startup when none is set', async () => {
    const { hasher } = await setup({ maxActiveCodes: 10, hashing: { ...FAST, maxConcurrency: 2 } });
    const measured = hasher.measuredHashMs;
    expect(measured).toBeGreaterThan(0);
    // About 2 s of work for two slots at the measured time, and never less than one whole set.
    expect(hasher.maxQueue).toBe(Math.max(10, Math.round((2000 * 2) / measured!)));
    const fixed = await setup({ hashing: { ...FAST, maxQueue: 40 } });
    expect(fixed.hasher.maxQueue).toBe(40);
  });

  it('refuses a maxQueue too small for a whole set, naming the option', async () => {
    const error = await setup({ maxActiveCodes: 10, hashing: { maxQueue: 9 } }).catch((e) => e);
    expect(error).toBeInstanceOf(MfaConfigurationError);
    expect((error as Error).message).toContain('hashing.maxQueue');
  });
});
