import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { RESOLVED_MFA_OPTIONS } from '../mfa.internal-constants.js';
import type { ResolvedHashingOptions, ResolvedMfaOptions } from '../mfa.options.js';
import { ConcurrencyLimiter } from './concurrency.limiter.js';

/**
 * @internal Hashes and verifies codes with argon2id. One instance per module; it also holds the
 * dummy digest that unknown lookups are verified against, so a miss costs what a hit costs.
 */
@Injectable()
export class RecoveryCodeHasher implements OnModuleInit {
  private readonly params: Omit<ResolvedHashingOptions, 'maxConcurrency'>;
  private readonly limiter: ConcurrencyLimiter;
  private dummy?: Promise<string>;

  constructor(@Inject(RESOLVED_MFA_OPTIONS) options: ResolvedMfaOptions) {
    const { maxConcurrency, memoryCost, timeCost, parallelism } = options.hashing;
    this.params = { memoryCost, timeCost, parallelism };
    this.limiter = new ConcurrencyLimiter(maxConcurrency);
  }

  /**
   * Makes the dummy digest at startup, so the first miss of the process costs one verification
   * like every other attempt, not a hash and a verification.
   */
  async onModuleInit(): Promise<void> {
    await this.dummyDigest();
  }

  /** How many argon2 operations may run at once. */
  get maxConcurrency(): number {
    return this.limiter.limit;
  }

  /**
   * argon2id digest (PHC string, salt included) of a canonical code; with a pepper `secret`, the
   * digest can only be checked by whoever holds that key.
   */
  hash(canonical: string, secret?: Buffer): Promise<string> {
    return this.limiter.run(() =>
      argon2.hash(canonical, { ...this.params, type: argon2.argon2id, ...(secret && { secret }) }),
    );
  }

  /** Exactly one argon2 verification. Malformed digests count as a mismatch, not a fault. */
  async verify(digest: string, canonical: string, secret?: Buffer): Promise<boolean> {
    try {
      return await this.limiter.run(() =>
        argon2.verify(digest, canonical, secret ? { secret } : undefined),
      );
    } catch {
      return false;
    }
  }

  /** A digest of a random value at the same parameters, made once, for misses to verify against. */
  dummyDigest(): Promise<string> {
    this.dummy ??= this.hash(randomBytes(16).toString('hex'));
    return this.dummy;
  }
}
