import { describe, expect, it, jest } from '@jest/globals';
import { availableParallelism } from 'node:os';
import { MfaConfigurationError } from '../mfa.exceptions.js';
import { builtInArgon2 } from './node-crypto-argon2.backend.js';
import type { MfaModuleOptions } from '../mfa-module-options.interface.js';
import { defaultHashConcurrency, resolveMfaOptions } from '../mfa.options.js';
import { RecoveryCodeHasher } from './recovery-code.hasher.js';

const FAST = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** A hasher as the module builds it: from the options, resolved and checked. */
function hasherFor(options: MfaModuleOptions): RecoveryCodeHasher {
  return new RecoveryCodeHasher(resolveMfaOptions(options));
}

describe('RecoveryCodeHasher', () => {
  it('hashes with argon2id at the configured parameters and verifies only the same code', async () => {
    const hasher = hasherFor({ hashing: FAST });
    const digest = await hasher.hash('a1b2c3d4e5f67890abcd');
    expect(digest).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
    await expect(hasher.verify(digest, 'a1b2c3d4e5f67890abcd')).resolves.toBe(true);
    await expect(hasher.verify(digest, 'a1b2c3d4e5f67890abce')).resolves.toBe(false);
  });

  it('hashes with Node’s crypto.argon2 where this Node has it, else with the argon2 package', async () => {
    const hasher = hasherFor({ hashing: FAST });
    await expect(hasher.backendName()).resolves.toBe(builtInArgon2() ? 'node:crypto' : 'argon2');
  });

  it('treats a malformed stored digest as a mismatch', async () => {
    const hasher = hasherFor({ hashing: FAST });
    await expect(hasher.verify('not-a-digest', 'x')).resolves.toBe(false);
  });

  it('makes the dummy digest at startup, so a later miss hashes nothing', async () => {
    const hasher = hasherFor({ hashing: FAST });
    await hasher.onModuleInit();
    const hash = jest.spyOn(hasher, 'hash');
    await expect(hasher.dummyDigest()).resolves.toMatch(/^\$argon2id\$/);
    expect(hash).not.toHaveBeenCalled();
  });

  it('makes one dummy digest and reuses it', async () => {
    const hasher = hasherFor({ hashing: FAST });
    const [a, b] = await Promise.all([hasher.dummyDigest(), hasher.dummyDigest()]);
    expect(a).toBe(b);
    expect(a).toMatch(/^\$argon2id\$/);
  });

  it('leaves a thread of the pool free by default, and takes maxConcurrency', () => {
    const saved = process.env.UV_THREADPOOL_SIZE;
    try {
      delete process.env.UV_THREADPOOL_SIZE;
      expect(defaultHashConcurrency()).toBe(Math.min(availableParallelism(), 3));
      process.env.UV_THREADPOOL_SIZE = '2';
      expect(defaultHashConcurrency()).toBe(1);
      process.env.UV_THREADPOOL_SIZE = '1';
      expect(defaultHashConcurrency()).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.UV_THREADPOOL_SIZE;
      else process.env.UV_THREADPOOL_SIZE = saved;
    }
    expect(hasherFor({}).maxConcurrency).toBe(defaultHashConcurrency());
    expect(hasherFor({ hashing: { maxConcurrency: 7 } }).maxConcurrency).toBe(7);
  });

  it('keeps maxConcurrency out of the argon2 parameters', async () => {
    const hasher = hasherFor({ hashing: { ...FAST, maxConcurrency: 1 } });
    await expect(hasher.hash('x')).resolves.toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
  });

  it.each([0, 1.5, -2])('refuses a maxConcurrency of %p, naming the option', (maxConcurrency) => {
    expect(() => hasherFor({ hashing: { maxConcurrency } })).toThrow(MfaConfigurationError);
    expect(() => hasherFor({ hashing: { maxConcurrency } })).toThrow('hashing.maxConcurrency');
  });
});
