import { randomUUID } from 'node:crypto';
import type {
  AttemptPolicy,
  AttemptReservation,
  AttemptStore,
  QuotaPolicy,
  QuotaReservation,
} from './attempt-store.interface.js';
import type {
  ConsumeResult,
  NewRecoveryCodeRecord,
  RecoveryCodeStatus,
  RecoveryCodeStore,
  StoredRecoveryCode,
} from './recovery-code-store.interface.js';

/**
 * Options of `InMemoryRecoveryCodeStore`.
 * @publicApi
 */
export interface InMemoryRecoveryCodeStoreOptions {
  /** Clock in ms, for tests. Default: `Date.now`. */
  now?: () => number;
}

interface Window {
  count: number;
  start: number;
}

interface UserState {
  codes: StoredRecoveryCode[];
  attempts: Window | null;
  failures: number;
  quotas: Map<string, Window>;
}

/**
 * The default store of codes and attempt counters: a `Map` in this process. Each method runs to
 * completion without awaiting, so every operation is atomic. Everything vanishes on restart and is
 * not shared between instances: use `PostgresRecoveryCodeStore` (or your own adapter) when you run
 * more than one.
 * @publicApi
 */
export class InMemoryRecoveryCodeStore implements RecoveryCodeStore, AttemptStore {
  private readonly users = new Map<string, UserState>();
  private readonly now: () => number;
  // Creation order: timestamps can tie within one millisecond.
  private sequence = 0;
  private readonly order = new WeakMap<StoredRecoveryCode, number>();

  constructor(options: InMemoryRecoveryCodeStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async replaceAll(userId: string, codes: readonly NewRecoveryCodeRecord[]): Promise<void> {
    this.state(userId).codes = codes.map((code) => this.create(userId, code));
  }

  async append(userId: string, code: NewRecoveryCodeRecord, maxActive: number): Promise<boolean> {
    const state = this.state(userId);
    if (state.codes.some((c) => c.usedAt === null && c.lookupKey === code.lookupKey)) return false;
    state.codes.push(this.create(userId, code));
    const active = state.codes.filter((c) => c.usedAt === null);
    const used = state.codes.filter((c) => c.usedAt !== null);
    const byAge = (a: StoredRecoveryCode, b: StoredRecoveryCode) =>
      (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0);
    const latestUsed = used
      .sort((a, b) => (a.usedAt?.getTime() ?? 0) - (b.usedAt?.getTime() ?? 0))
      .slice(-1);
    state.codes = [...active.sort(byAge).slice(-Math.max(maxActive, 0)), ...latestUsed];
    return true;
  }

  async findActive(userId: string, lookupKey: string): Promise<StoredRecoveryCode | null> {
    const found = this.users
      .get(userId)
      ?.codes.find((c) => c.usedAt === null && c.lookupKey === lookupKey);
    return found ? { ...found } : null;
  }

  async consume(userId: string, id: string): Promise<ConsumeResult | null> {
    const state = this.users.get(userId);
    const code = state?.codes.find((c) => c.id === id);
    if (!state || !code || code.usedAt !== null) return null;
    code.usedAt = new Date(this.now());
    return { remaining: state.codes.filter((c) => c.usedAt === null).length };
  }

  async restore(userId: string, id: string): Promise<boolean> {
    const code = this.users.get(userId)?.codes.find((c) => c.id === id);
    if (!code || code.usedAt === null) return false;
    code.usedAt = null;
    return true;
  }

  async status(userId: string): Promise<RecoveryCodeStatus> {
    const codes = this.users.get(userId)?.codes ?? [];
    const active = codes.filter((c) => c.usedAt === null);
    return {
      remaining: active.length,
      generatedAt: latest(active.map((c) => c.createdAt)),
      lastUsedAt: latest(codes.map((c) => c.usedAt)),
    };
  }

  async revokeAll(userId: string): Promise<void> {
    const state = this.users.get(userId);
    if (state) state.codes = [];
  }

  async reserveAttempt(userId: string, policy: AttemptPolicy): Promise<AttemptReservation> {
    const state = this.state(userId);
    const now = this.now();
    const attempts = openWindow(state.attempts, now, policy.windowMs);
    state.attempts = attempts;
    if (state.failures >= policy.maxConsecutiveFailures) {
      return refused(attempts.count, state.failures, true, 0);
    }
    if (attempts.count >= policy.maxAttempts) {
      return refused(attempts.count, state.failures, false, attempts.start + policy.windowMs - now);
    }
    attempts.count += 1;
    state.failures += 1;
    return {
      allowed: true,
      attempts: attempts.count,
      failures: state.failures,
      locked: false,
      retryAfterMs: 0,
    };
  }

  async resetAttempts(userId: string): Promise<void> {
    const state = this.users.get(userId);
    if (!state) return;
    state.attempts = null;
    state.failures = 0;
  }

  async releaseFailure(userId: string): Promise<void> {
    const state = this.users.get(userId);
    if (state && state.failures > 0) state.failures -= 1;
  }

  async reserveQuota(
    userId: string,
    scope: string,
    policy: QuotaPolicy,
  ): Promise<QuotaReservation> {
    const state = this.state(userId);
    const now = this.now();
    const window = openWindow(state.quotas.get(scope) ?? null, now, policy.windowMs);
    state.quotas.set(scope, window);
    if (window.count >= policy.limit) {
      return {
        allowed: false,
        count: window.count,
        retryAfterMs: window.start + policy.windowMs - now,
      };
    }
    window.count += 1;
    return { allowed: true, count: window.count, retryAfterMs: 0 };
  }

  private state(userId: string): UserState {
    let state = this.users.get(userId);
    if (!state) {
      state = { codes: [], attempts: null, failures: 0, quotas: new Map() };
      this.users.set(userId, state);
    }
    return state;
  }

  private create(userId: string, code: NewRecoveryCodeRecord): StoredRecoveryCode {
    const record: StoredRecoveryCode = {
      id: randomUUID(),
      userId,
      lookupKey: code.lookupKey,
      digest: code.digest,
      createdAt: new Date(this.now()),
      usedAt: null,
    };
    this.order.set(record, ++this.sequence);
    return record;
  }
}

function latest(dates: readonly (Date | null)[]): Date | null {
  let max: Date | null = null;
  for (const d of dates) if (d && (!max || d > max)) max = d;
  return max ? new Date(max) : null;
}

/** The window as it stands at `now`: the current one, or a fresh one once it has ended. */
function openWindow(window: Window | null, now: number, windowMs: number): Window {
  return window && now < window.start + windowMs ? window : { count: 0, start: now };
}

function refused(
  attempts: number,
  failures: number,
  locked: boolean,
  retryAfterMs: number,
): AttemptReservation {
  return { allowed: false, attempts, failures, locked, retryAfterMs };
}
