import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { RecoveryCodeHasher } from './codes/recovery-code.hasher.js';
import { FAST_HASHING } from './codes/testing/fast-hashing.js';
import { MfaConfigurationError, RecoveryCodeStoreUnavailableException } from './mfa.exceptions.js';
import { MfaOverloadedException, TooManyGenerationsException } from './mfa-limits.exceptions.js';
import { MfaModule } from './mfa.module.js';
import { MfaService } from './mfa.service.js';
import type { MfaModuleOptions } from './mfa-module-options.interface.js';
import { RecordingStore } from './store/testing/recording-store.js';

const modules: TestingModule[] = [];
afterEach(async () => {
  await Promise.all(modules.splice(0).map((m) => m.close()));
});

async function setup(options: MfaModuleOptions = {}, store = new RecordingStore()) {
  const moduleRef = await Test.createTestingModule({
    imports: [MfaModule.forRoot({ store, hashing: FAST_HASHING, ...options })],
  })
    .setLogger({ log() {}, error() {}, warn() {} })
    .compile();
  modules.push(moduleRef);
  const hasher = moduleRef.get(RecoveryCodeHasher, { strict: false });
  return { mfa: moduleRef.get(MfaService), store, hash: jest.spyOn(hasher, 'hash') };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const quotaCalls = (store: RecordingStore) =>
  store.calls.filter((call) => call.method === 'reserveQuota').length;

describe('MfaService generationLimit', () => {
  it('is off by default: the product page’s loop of ten concurrent calls works, run after run', async () => {
    const { mfa, store } = await setup();
    let last: string[] = [];
    for (let run = 0; run < 5; run++) {
      last = await Promise.all(
        Array.from({ length: 10 }, () => mfa.generateRecoveryCode('alice')),
      ).then((results) => results.map((r) => r.code));
    }
    expect(new Set(last).size).toBe(10);
    expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 10 });
    expect(quotaCalls(store)).toBe(0);
  });

  it('counts a set as one call, and refuses the call past max with 429 and the wait, changing nothing', async () => {
    const clock = { now: Date.now() };
    const { mfa, hash } = await setup(
      { generationLimit: { max: 3, windowMs: 60_000 } },
      new RecordingStore({ now: () => clock.now }),
    );
    const { codes } = await mfa.generateRecoveryCodes('alice', 10);
    await mfa.generateRecoveryCode('alice');
    await mfa.generateRecoveryCode('alice');
    hash.mockClear();

    clock.now += 20_000;
    for (const call of [
      () => mfa.generateRecoveryCode('alice'),
      () => mfa.generateRecoveryCodes('alice', 10),
    ]) {
      const refused = await rejection(call());
      expect(refused).toBeInstanceOf(TooManyGenerationsException);
      expect((refused as TooManyGenerationsException).getStatus()).toBe(429);
      expect((refused as TooManyGenerationsException).retryAfterSeconds).toBe(40);
      expect((refused as TooManyGenerationsException).getResponse()).toMatchObject({
        error: 'too_many_generations',
        retryAfter: 40,
      });
    }
    expect(hash).not.toHaveBeenCalled();
    expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 10 });
    await expect(mfa.redeemRecoveryCode('alice', codes[9]!)).resolves.toEqual({ remaining: 9 });

    // Another user has their own count; the window ends and generation works again.
    await expect(mfa.generateRecoveryCode('bob')).resolves.toHaveProperty('code');
    clock.now += 40_000;
    await expect(mfa.generateRecoveryCode('alice')).resolves.toHaveProperty('code');
  });

  it('lets exactly max of a concurrent burst through', async () => {
    const { mfa } = await setup({ generationLimit: { max: 4, windowMs: 60_000 } });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => mfa.generateRecoveryCode('alice')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(TooManyGenerationsException);
    }
    expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 4 });
  });

  it('holds across instances that share the attempt store', async () => {
    const store = new RecordingStore();
    const a = await setup({ generationLimit: { max: 2, windowMs: 60_000 } }, store);
    const b = await setup({ generationLimit: { max: 2, windowMs: 60_000 } }, store);
    await a.mfa.generateRecoveryCode('alice');
    await b.mfa.generateRecoveryCodes('alice', 3);
    await expect(a.mfa.generateRecoveryCode('alice')).rejects.toBeInstanceOf(
      TooManyGenerationsException,
    );
    await expect(b.mfa.generateRecoveryCode('alice')).rejects.toBeInstanceOf(
      TooManyGenerationsException,
    );
  });

  it('takes a limit per call, in place of the module’s', async () => {
    const { mfa } = await setup({ generationLimit: { max: 1, windowMs: 60_000 } });
    await mfa.generateRecoveryCode('alice');
    await expect(
      mfa.generateRecoveryCode('alice', { generationLimit: false }),
    ).resolves.toHaveProperty('code');
    await expect(
      mfa.generateRecoveryCodes('alice', 2, { generationLimit: { max: 2, windowMs: 60_000 } }),
    ).resolves.toHaveProperty('codes');
    await expect(
      mfa.generateRecoveryCodes('alice', 2, { generationLimit: { max: 2, windowMs: 60_000 } }),
    ).rejects.toBeInstanceOf(TooManyGenerationsException);

    const unlimited = await setup();
    await unlimited.mfa.generateRecoveryCode('bob', {
      generationLimit: { max: 1, windowMs: 1000 },
    });
    await expect(
      unlimited.mfa.generateRecoveryCode('bob', { generationLimit: { max: 1, windowMs: 1000 } }),
    ).rejects.toBeInstanceOf(TooManyGenerationsException);
  });

  it('counts nothing when the hashing queue refuses the call first', async () => {
    const { mfa, store } = await setup({
      generationLimit: { max: 1, windowMs: 60_000 },
      hashing: { ...FAST_HASHING, maxConcurrency: 1, maxQueue: 10 },
    });
    const first = mfa.generateRecoveryCodes('alice', 10);
    await expect(mfa.generateRecoveryCodes('bob', 10)).rejects.toBeInstanceOf(
      MfaOverloadedException,
    );
    await first;
    expect(store.calls.filter((c) => c.method === 'reserveQuota').map((c) => c.args[0])).toEqual([
      'alice',
    ]);
    await expect(mfa.generateRecoveryCodes('bob', 10)).resolves.toHaveProperty('codes');
  });

  it('answers a failing counter with 503 store_unavailable, generating nothing', async () => {
    const { mfa, store, hash } = await setup({ generationLimit: { max: 5, windowMs: 60_000 } });
    store.failing.add('reserveQuota');
    await expect(mfa.generateRecoveryCodes('alice', 3)).rejects.toBeInstanceOf(
      RecoveryCodeStoreUnavailableException,
    );
    expect(hash).not.toHaveBeenCalled();
    expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 0 });
  });

  it.each([{ max: 0, windowMs: 1000 }, { max: 3 }, { max: 1.5, windowMs: 1000 }, 30])(
    'refuses generationLimit %p, naming the option',
    async (generationLimit) => {
      const error = await rejection(
        setup({ generationLimit: generationLimit as MfaModuleOptions['generationLimit'] }),
      );
      expect(error).toBeInstanceOf(MfaConfigurationError);
      expect((error as Error).message).toContain('`generationLimit`');
    },
  );
});
