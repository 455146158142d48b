import { Inject, Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { MODULE_OPTIONS_TOKEN } from '../mfa.module-definition.js';
import { DEFAULT_HASHING_OPTIONS } from '../mfa.constants.js';
import type { MfaModuleOptions } from '../mfa-module-options.interface.js';

/**
 * @internal Hashes and verifies codes with argon2id. One instance per module; it also holds the
 * dummy digest that unknown lookups are verified against, so a miss costs what a hit costs.
 */
@Injectable()
export class RecoveryCodeHasher {
  private readonly params: { memoryCost: number; timeCost: number; parallelism: number };
  private dummy?: Promise<string>;

  constructor(@Inject(MODULE_OPTIONS_TOKEN) options: MfaModuleOptions) {
    this.params = { ...DEFAULT_HASHING_OPTIONS, ...options.hashing };
  }

  /** argon2id digest (PHC string, salt included) of a canonical code. */
  hash(canonical: string): Promise<string> {
    return argon2.hash(canonical, { type: argon2.argon2id, ...this.params });
  }

  /** Exactly one argon2 verification. Malformed digests count as a mismatch, not a fault. */
  async verify(digest: string, canonical: string): Promise<boolean> {
    try {
      return await argon2.verify(digest, canonical);
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
