import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { RESOLVED_MFA_OPTIONS } from '../mfa.internal-constants.js';
import type { ResolvedHashingOptions, ResolvedMfaOptions } from '../mfa.options.js';
import type { Argon2Backend, Argon2BackendName } from './argon2.backend.js';
import { ConcurrencyLimiter } from './concurrency.limiter.js';
import { loadArgon2Backend } from './load-argon2-backend.js';

/**
 * @internal Hashes and verifies codes with argon2id, through Node's `crypto.argon2` (Node 24.7+)
 * or the `argon2` package. One instance per module; it also holds the dummy digest that unknown
 * lookups are verified against, so a miss costs what a hit costs.
 */
@Injectable()
export class RecoveryCodeHasher implements OnModuleInit {
  private readonly params: Omit<ResolvedHashingOptions, 'maxConcurrency'>;
  private readonly limiter: ConcurrencyLimiter;
  private backendPromise?: Promise<Argon2Backend>;
  private dummy?: Promise<string>;

  constructor(@Inject(RESOLVED_MFA_OPTIONS) options: ResolvedMfaOptions) {
    const { maxConcurrency, memoryCost, timeCost, parallelism } = options.hashing;
    this.params = { memoryCost, timeCost, parallelism };
    this.limiter = new ConcurrencyLimiter(maxConcurrency);
  }

  /**
   * Picks the argon2 implementation and makes the dummy digest at startup: a missing
   * implementation fails the app's start with the fix, and the first miss of the process costs one
   * verification like every other attempt, not a hash and a verification.
   */
  async onModuleInit(): Promise<void> {
    await this.dummyDigest();
  }

  /** How many argon2 operations may run at once. */
  get maxConcurrency(): number {
    return this.limiter.limit;
  }

  /** Which implementation hashes, once loaded. */
  async backendName(): Promise<Argon2BackendName> {
    return (await this.backend()).name;
  }

  /** argon2id digest (PHC string, salt included) of a canonical code. */
  async hash(canonical: string): Promise<string> {
    const backend = await this.backend();
    return this.limiter.run(() => backend.hash(canonical, this.params));
  }

  /** Exactly one argon2 verification. Malformed digests count as a mismatch, not a fault. */
  async verify(digest: string, canonical: string): Promise<boolean> {
    const backend = await this.backend();
    try {
      return await this.limiter.run(() => backend.verify(digest, canonical));
    } catch {
      return false;
    }
  }

  /** A digest of a random value at the same parameters, made once, for misses to verify against. */
  dummyDigest(): Promise<string> {
    this.dummy ??= this.hash(randomBytes(16).toString('hex'));
    return this.dummy;
  }

  private backend(): Promise<Argon2Backend> {
    this.backendPromise ??= loadArgon2Backend();
    return this.backendPromise;
  }
}
