import { randomBytes } from 'node:crypto';
import { MfaConfigurationError } from '../mfa.exceptions.js';
import type {
  AttemptPolicy,
  AttemptReservation,
  AttemptStore,
  QuotaPolicy,
  QuotaReservation,
} from '../store/attempt-store.interface.js';
import type {
  ConsumeResult,
  NewRecoveryCodeRecord,
  RecoveryCodeStatus,
  RecoveryCodeStore,
  StoredRecoveryCode,
} from '../store/recovery-code-store.interface.js';
import { quotaKey, userKeys } from './redis-store.keys.js';
import type { RedisRecoveryCodeStoreOptions } from './redis-recovery-code-store-options.interface.js';
import { RedisScriptRunner } from './redis-script.runner.js';
import {
  APPEND,
  CONSUME,
  FIND_ACTIVE,
  RELEASE_FAILURE,
  REPLACE_ALL,
  RESERVE_ATTEMPT,
  RESERVE_QUOTA,
  RESET_ATTEMPTS,
  RESTORE,
  REVOKE_ALL,
  STATUS,
} from './redis-store.scripts.js';

/** @internal Letters, digits, `_`, `-` and `:`: never a brace, so never part of a hash tag. */
const KEY_PREFIX = /^[A-Za-z0-9_:-]+$/;

/** @internal Default of `keyPrefix`. */
const DEFAULT_KEY_PREFIX = 'mfa';

/** @internal Default of `commandTimeoutMs`. */
const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;

/** @internal Largest delay `setTimeout` honours. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** @internal An id is `<seq>.<nonce>.<lookup key>`; the nonce is 6 random bytes in base64url. */
const ID = /^(\d{1,15}\.[A-Za-z0-9_-]{8})\.([\s\S]*)$/;

/**
 * A `RecoveryCodeStore` and `AttemptStore` on Redis, shared by every app instance, on node-redis
 * (`redis` 5 or later) or ioredis, standalone or Cluster. Use it for both, or as the
 * `attemptStore` beside codes kept elsewhere (for example PostgreSQL).
 *
 * Each operation that reads and then writes is one Lua script (`EVALSHA`, with `EVAL` after a
 * `NOSCRIPT`), so it is atomic. All keys of a user share one hash tag, so each script touches one
 * Cluster slot. Timestamps and windows come from the server's clock; attempt windows expire by
 * TTL, and a success or a revoke leaves no key behind. Each call is bounded by
 * `commandTimeoutMs`; a call that cannot be sent, fails or times out rejects, which the service
 * answers with 503, and changes nothing even if Redis receives it later.
 *
 * Codes are as durable as your Redis: use persistence (AOF) and a `maxmemory-policy` that never
 * evicts keys without a TTL (`noeviction` or a `volatile-*` policy).
 * @example
 * const client = createClient({ url: process.env.REDIS_URL });
 * client.on('error', (error) => logger.warn(error.message));
 * await client.connect();
 * MfaModule.forRoot({ store: new RedisRecoveryCodeStore({ client }) });
 * @publicApi
 */
export class RedisRecoveryCodeStore implements RecoveryCodeStore, AttemptStore {
  private readonly runner: RedisScriptRunner;
  private readonly keyPrefix: string;

  constructor(options: RedisRecoveryCodeStoreOptions) {
    const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    if (typeof keyPrefix !== 'string' || !KEY_PREFIX.test(keyPrefix)) {
      throw new MfaConfigurationError(
        `Invalid Redis key prefix ${JSON.stringify(keyPrefix)}: set \`keyPrefix\` of RedisRecoveryCodeStore to letters, digits, "_", "-" and ":" only (no braces: the store makes the hash tag itself).`,
      );
    }
    const timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    if (
      typeof timeoutMs !== 'number' ||
      !Number.isInteger(timeoutMs) ||
      timeoutMs < 1 ||
      timeoutMs > MAX_TIMEOUT_MS
    ) {
      throw new MfaConfigurationError(
        `Invalid commandTimeoutMs ${String(timeoutMs)}: set \`commandTimeoutMs\` of RedisRecoveryCodeStore to a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS} (default ${DEFAULT_COMMAND_TIMEOUT_MS}).`,
      );
    }
    this.keyPrefix = keyPrefix;
    this.runner = new RedisScriptRunner(options.client, timeoutMs);
  }

  async replaceAll(userId: string, codes: readonly NewRecoveryCodeRecord[]): Promise<void> {
    const lookupKeys = new Set(codes.map((code) => code.lookupKey));
    if (lookupKeys.size !== codes.length) {
      throw new TypeError('replaceAll(): every code of a set needs its own lookup key');
    }
    await this.runner.run(
      REPLACE_ALL,
      [this.keys(userId).codes],
      [nonce(), ...codes.flatMap((code) => [code.lookupKey, code.digest])],
    );
  }

  async append(userId: string, code: NewRecoveryCodeRecord, maxActive: number): Promise<boolean> {
    const [added] = await this.runner.run(
      APPEND,
      [this.keys(userId).codes],
      [nonce(), code.lookupKey, code.digest, String(Math.max(0, Math.floor(maxActive)))],
    );
    return Number(added) === 1;
  }

  async findActive(userId: string, lookupKey: string): Promise<StoredRecoveryCode | null> {
    const [ref, created, digest] = await this.runner.run(
      FIND_ACTIVE,
      [this.keys(userId).codes],
      [lookupKey],
    );
    if (ref === undefined || digest === undefined) return null;
    return {
      id: `${ref}.${lookupKey}`,
      userId,
      lookupKey,
      digest: String(digest),
      createdAt: new Date(Number(created)),
      usedAt: null,
    };
  }

  async consume(userId: string, id: string): Promise<ConsumeResult | null> {
    const parsed = ID.exec(id);
    if (!parsed) return null;
    const [remaining] = await this.runner.run(
      CONSUME,
      [this.keys(userId).codes],
      [parsed[1], parsed[2]],
    );
    const left = Number(remaining);
    return left < 0 ? null : { remaining: left };
  }

  async restore(userId: string, id: string): Promise<boolean> {
    const parsed = ID.exec(id);
    if (!parsed) return false;
    const [restored] = await this.runner.run(
      RESTORE,
      [this.keys(userId).codes],
      [parsed[1], parsed[2]],
    );
    return Number(restored) === 1;
  }

  async status(userId: string): Promise<RecoveryCodeStatus> {
    const [remaining, generated, lastUsed] = await this.runner.run(
      STATUS,
      [this.keys(userId).codes],
      [],
    );
    return {
      remaining: Number(remaining),
      generatedAt: toDateOrNull(generated),
      lastUsedAt: toDateOrNull(lastUsed),
    };
  }

  async revokeAll(userId: string): Promise<void> {
    await this.runner.run(REVOKE_ALL, [this.keys(userId).codes], []);
  }

  async reserveAttempt(userId: string, policy: AttemptPolicy): Promise<AttemptReservation> {
    const keys = this.keys(userId);
    const [allowed, attempts, failures, locked, retryAfterMs] = await this.runner.run(
      RESERVE_ATTEMPT,
      [keys.attempts, keys.failures],
      [limit(policy.maxAttempts), windowMs(policy.windowMs), limit(policy.maxConsecutiveFailures)],
    );
    return {
      allowed: Number(allowed) === 1,
      attempts: Number(attempts),
      failures: Number(failures),
      locked: Number(locked) === 1,
      retryAfterMs: Number(retryAfterMs),
    };
  }

  async resetAttempts(userId: string): Promise<void> {
    const keys = this.keys(userId);
    await this.runner.run(RESET_ATTEMPTS, [keys.attempts, keys.failures], []);
  }

  async releaseFailure(userId: string): Promise<void> {
    await this.runner.run(RELEASE_FAILURE, [this.keys(userId).failures], []);
  }

  async reserveQuota(
    userId: string,
    scope: string,
    policy: QuotaPolicy,
  ): Promise<QuotaReservation> {
    const [allowed, count, retryAfterMs] = await this.runner.run(
      RESERVE_QUOTA,
      [quotaKey(this.keyPrefix, userId, scope)],
      [limit(policy.limit), windowMs(policy.windowMs)],
    );
    return {
      allowed: Number(allowed) === 1,
      count: Number(count),
      retryAfterMs: Number(retryAfterMs),
    };
  }

  private keys(userId: string) {
    return userKeys(this.keyPrefix, userId);
  }
}

/**
 * A fresh per-call nonce: refs never repeat, even after a user's hash was deleted. 48 bits tell
 * one user's sets apart; and 8 characters keep an unused code's value, with a digest of the
 * default argon2id parameters, within 124 bytes, one allocation size class below the next.
 */
function nonce(): string {
  return randomBytes(6).toString('base64url');
}

/** A cap as a Lua integer; `-1` for none (`Infinity`, or missing from an older caller). */
function limit(value: number | undefined): string {
  return typeof value === 'number' && Number.isFinite(value)
    ? String(Math.max(0, Math.floor(value)))
    : '-1';
}

/** A window for `PEXPIRE`: a whole number of ms, at least 1. */
function windowMs(value: number): string {
  return String(Number.isFinite(value) ? Math.max(1, Math.ceil(value)) : MAX_TIMEOUT_MS);
}

function toDateOrNull(value: string | number | undefined): Date | null {
  const ms = Number(value ?? 0);
  return ms > 0 ? new Date(ms) : null;
}
