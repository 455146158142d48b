import { Inject, Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { MODULE_OPTIONS_TOKEN } from '../mfa.module-definition.js';
import { DEFAULT_HASHING_OPTIONS } from '../mfa.constants.js';
import { MfaConfigurationError } from '../mfa.exceptions.js';
import type { MfaModuleOptions } from '../mfa-module-options.interface.js';
import { ConcurrencyLimiter } from './concurrency.limiter.js';

/**
 * @internal Hashes and verifies codes with argon2id. One instance per module; it also holds the
 * dummy digest that unknown lookups are verified against, so a miss costs what a hit costs.
 */
@Injectable()
export class RecoveryCodeHasher {
  private readonly params: { memoryCost: number; timeCost: number; parallelism: number };
  private readonly limiter: ConcurrencyLimiter;
  private dummy?: Promise<string>;

  constructor(@Inject(MODULE_OPTIONS_TOKEN) options: MfaModuleOptions) {
    const { maxConcurrency = defaultHashConcurrency(), ...params } = options.hashing ?? {};
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
      throw new MfaConfigurationError(
        `\`hashing.maxConcurrency\` must be a positive integer: fix it in MfaModule.forRoot() (got ${String(maxConcurrency)}).`,
      );
    }
    this.params = { ...DEFAULT_HASHING_OPTIONS, ...params };
    this.limiter = new ConcurrencyLimiter(maxConcurrency);
  }

  /** How many argon2 operations may run at once. */
  get maxConcurrency(): number {
    return this.limiter.limit;
  }

  /** argon2id digest (PHC string, salt included) of a canonical code. */
  hash(canonical: string): Promise<string> {
    return this.limiter.run(() =>
      argon2.hash(canonical, { type: argon2.argon2id, ...this.params }),
    );
  }

  /** Exactly one argon2 verification. Malformed digests count as a mismatch, not a fault. */
  async verify(digest: string, canonical: string): Promise<boolean> {
    try {
      return await this.limiter.run(() => argon2.verify(digest, canonical));
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

/**
 * @internal One less than libuv's thread pool (so file system and DNS calls always find a thread),
 * and no more than the cores that can run the hashes.
 */
export function defaultHashConcurrency(): number {
  const pool = Number.parseInt(process.env.UV_THREADPOOL_SIZE ?? '', 10) || 4;
  return Math.max(1, Math.min(availableParallelism(), pool - 1));
}
