import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { MfaOverloadedException } from '../mfa-limits.exceptions.js';
import {
  ASSUMED_HASH_MS,
  HASH_QUEUE_BUDGET_MS,
  RESOLVED_MFA_OPTIONS,
} from '../mfa.internal-constants.js';
import type { ResolvedMfaOptions } from '../mfa.options.js';
import { MfaTelemetry } from '../telemetry/mfa-telemetry.js';
import type { Argon2Backend, Argon2BackendName } from './argon2.backend.js';
import {
  HashQueueFullError,
  HashScheduler,
  type HashLane,
  type HashTicket,
} from './hash.scheduler.js';
import { loadArgon2Backend } from './load-argon2-backend.js';

/** @internal Key of work that belongs to no user: the dummy digest, direct calls in tests. */
const NO_USER = '';

/**
 * @internal Hashes and verifies codes with argon2id, through Node's `crypto.argon2` (Node 24.7+)
 * or the `argon2` package, in a fair, bounded queue (see `HashScheduler`). One instance per
 * module; it also holds the dummy digest that unknown lookups are verified against, so a miss
 * costs what a hit costs.
 */
@Injectable()
export class RecoveryCodeHasher implements OnModuleInit {
  private readonly params: { memoryCost: number; timeCost: number; parallelism: number };
  private readonly scheduler: HashScheduler;
  private backendPromise?: Promise<Argon2Backend>;
  private dummy?: Promise<string>;

  constructor(
    @Inject(RESOLVED_MFA_OPTIONS) options: ResolvedMfaOptions,
    @Optional() private readonly telemetry: MfaTelemetry = MfaTelemetry.off,
  ) {
    const { maxConcurrency, maxQueue, memoryCost, timeCost, parallelism } = options.hashing;
    this.params = { memoryCost, timeCost, parallelism };
    this.scheduler = new HashScheduler({
      concurrency: maxConcurrency,
      maxQueue,
      queueBudgetMs: HASH_QUEUE_BUDGET_MS,
      minQueue: options.maxActiveCodes,
      assumedOperationMs: ASSUMED_HASH_MS,
      maxVerificationsPerUser: options.maxAttempts,
    });
  }

  /**
   * Picks the argon2 implementation and makes the dummy digest at startup: a missing
   * implementation fails the app's start with the fix, and the first miss of the process costs one
   * verification like every other attempt. The dummy's hash is also the first measurement of the
   * hash time that the default `hashing.maxQueue` follows.
   */
  async onModuleInit(): Promise<void> {
    await this.dummyDigest();
  }

  /** How many argon2 operations may run at once. */
  get maxConcurrency(): number {
    return this.scheduler.concurrency;
  }

  /** The cap on waiting argon2 operations now (`hashing.maxQueue`, or derived). */
  get maxQueue(): number {
    return this.scheduler.maxQueue;
  }

  /** Median time of recent argon2 operations in ms; `undefined` until one finished. */
  get measuredHashMs(): number | undefined {
    return this.scheduler.measuredOperationMs;
  }

  /** Which implementation hashes, once loaded. */
  async backendName(): Promise<Argon2BackendName> {
    return (await this.backend()).name;
  }

  /**
   * Admits `count` operations of `userId` in `lane`, all or none, before any counter is touched.
   * Pass the ticket to `hash()` / `verify()`, and `release()` it when done.
   * @throws MfaOverloadedException (503) when the backlog would pass `hashing.maxQueue`.
   */
  reserve(lane: HashLane, userId: string, count = 1): HashTicket {
    try {
      return this.scheduler.reserve(lane, userId, count);
    } catch (error) {
      if (error instanceof HashQueueFullError) throw new MfaOverloadedException(error.retryAfterMs);
      throw error;
    }
  }

  /**
   * argon2id digest (PHC string, salt included) of a canonical code; with a pepper `secret`, the
   * digest can only be checked by whoever holds that key.
   */
  async hash(canonical: string, secret?: Buffer, ticket?: HashTicket): Promise<string> {
    const backend = await this.backend();
    return this.run(ticket ?? this.reserve('generate', NO_USER), () =>
      this.timed('hash', backend, () =>
        backend.hash(canonical, { ...this.params, ...(secret && { secret }) }),
      ),
    );
  }

  /** Exactly one argon2 verification. Malformed digests count as a mismatch, not a fault. */
  async verify(
    digest: string,
    canonical: string,
    secret?: Buffer,
    ticket?: HashTicket,
  ): Promise<boolean> {
    const backend = await this.backend();
    try {
      return await this.run(ticket ?? this.reserve('verify', NO_USER), () =>
        this.timed('verify', backend, () =>
          backend.verify(digest, canonical, secret ? { secret } : undefined),
        ),
      );
    } catch (error) {
      if (error instanceof MfaOverloadedException) throw error;
      return false;
    }
  }

  /** A digest of a random value at the same parameters, made once, for misses to verify against. */
  dummyDigest(): Promise<string> {
    this.dummy ??= this.backend().then((backend) => {
      const ticket = this.scheduler.reserve('generate', NO_USER, 1);
      return ticket.run(() => backend.hash(randomBytes(16).toString('hex'), this.params));
    });
    return this.dummy;
  }

  /** Times the argon2 work itself, not the wait for a slot. */
  private async timed<T>(
    operation: 'hash' | 'verify',
    backend: Argon2Backend,
    task: () => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    try {
      return await task();
    } finally {
      this.telemetry.argon2(operation, performance.now() - started, backend.name);
    }
  }

  private backend(): Promise<Argon2Backend> {
    this.backendPromise ??= loadArgon2Backend();
    return this.backendPromise;
  }

  private async run<T>(ticket: HashTicket, task: () => Promise<T>): Promise<T> {
    try {
      return await ticket.run(task);
    } catch (error) {
      if (error instanceof HashQueueFullError) throw new MfaOverloadedException(error.retryAfterMs);
      throw error;
    }
  }
}
