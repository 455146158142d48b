import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { AttemptPolicy, AttemptStore } from '../store/attempt-store.interface.js';

/**
 * What a `describeAttemptStore()` factory returns for one test.
 * @publicApi
 */
export interface AttemptStoreFixture {
  /** The store under test. Users differ between tests, so a shared database is fine. */
  attemptStore: AttemptStore;
  /**
   * Moves the store's clock forward. Without it the window-expiry tests wait out real windows of
   * `realWindowMs`.
   */
  advanceTime?: (ms: number) => void | Promise<void>;
  /** Runs after each test: close pools and clients, drop tables. */
  cleanup?: () => void | Promise<void>;
}

/**
 * Makes a fresh fixture for each test.
 * @publicApi
 */
export type AttemptStoreFactory = () => AttemptStoreFixture | Promise<AttemptStoreFixture>;

/**
 * Options of `describeAttemptStore()`.
 * @publicApi
 */
export interface AttemptStoreSuiteOptions {
  /** The window of the expiry tests when the fixture has no `advanceTime`, in ms. Default: `1000`. */
  realWindowMs?: number;
}

/**
 * The conformance suite of the `AttemptStore` contract, for Jest: the attempt limit under a burst,
 * window expiry, the consecutive-failure lock across windows and under a burst, releasing a
 * failure, resetting, quotas, and isolation between users. Call it at the top level of a spec
 * file; it declares its own `describe` block.
 * @example
 * describeAttemptStore('MyAttemptStore', async () => {
 *   const attemptStore = new MyAttemptStore(client);
 *   return { attemptStore, cleanup: () => client.quit() };
 * });
 * @publicApi
 */
export function describeAttemptStore(
  name: string,
  factory: AttemptStoreFactory,
  options: AttemptStoreSuiteOptions = {},
): void {
  const realWindowMs = options.realWindowMs ?? 1_000;

  describe(`${name} (AttemptStore conformance)`, () => {
    let fixture: AttemptStoreFixture;
    let store: AttemptStore;
    let alice: string;
    let bob: string;

    /** A window long enough that no test outlives it, or the short one a real clock can wait out. */
    const windowFor = (long: number) => (fixture.advanceTime ? long : realWindowMs);
    const pass = async (ms: number) => {
      if (fixture.advanceTime) await fixture.advanceTime(ms + 1);
      else await sleep(ms + 100);
    };

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.attemptStore;
      // Fresh users per test: a store shared between tests cannot leak state into the next.
      const run = randomUUID();
      alice = `alice-${run}`;
      bob = `bob-${run}`;
    });

    afterEach(async () => {
      await fixture.cleanup?.();
    });

    describe('reserveAttempt', () => {
      const policy: AttemptPolicy = {
        maxAttempts: 5,
        windowMs: 15 * 60_000,
        maxConsecutiveFailures: 100,
      };

      it('allows maxAttempts attempts, counting each in the window and as a failure, then refuses until the window ends', async () => {
        for (let n = 1; n <= 5; n++) {
          expect(await store.reserveAttempt(alice, policy)).toEqual({
            allowed: true,
            attempts: n,
            failures: n,
            locked: false,
            retryAfterMs: 0,
          });
        }
        const refused = await store.reserveAttempt(alice, policy);
        expect(refused).toMatchObject({ allowed: false, attempts: 5, failures: 5, locked: false });
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(policy.windowMs);
      });

      it('allows exactly maxAttempts of 50 concurrent reservations', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.reserveAttempt(alice, policy)),
        );
        const allowed = results.filter((r) => r.allowed);
        expect(allowed).toHaveLength(5);
        expect(allowed.map((r) => r.attempts).sort()).toEqual([1, 2, 3, 4, 5]);
        expect(allowed.map((r) => r.failures).sort()).toEqual([1, 2, 3, 4, 5]);
      });

      it('counts a refused attempt nowhere', async () => {
        const two = { ...policy, maxAttempts: 2 };
        await store.reserveAttempt(alice, two);
        await store.reserveAttempt(alice, two);
        for (let n = 0; n < 5; n++) {
          expect(await store.reserveAttempt(alice, two)).toMatchObject({
            allowed: false,
            attempts: 2,
            failures: 2,
          });
        }
      });

      it('starts over after resetAttempts, window and failures alike', async () => {
        for (let n = 0; n < 6; n++) await store.reserveAttempt(alice, policy);
        await store.resetAttempts(alice);
        expect(await store.reserveAttempt(alice, policy)).toEqual({
          allowed: true,
          attempts: 1,
          failures: 1,
          locked: false,
          retryAfterMs: 0,
        });
      });

      it('opens a new window once the window has passed, carrying the failures over', async () => {
        const windowMs = windowFor(policy.windowMs);
        const short = { ...policy, maxAttempts: 2, windowMs };
        await store.reserveAttempt(alice, short);
        await store.reserveAttempt(alice, short);
        expect((await store.reserveAttempt(alice, short)).allowed).toBe(false);

        await pass(windowMs);

        expect(await store.reserveAttempt(alice, short)).toEqual({
          allowed: true,
          attempts: 1,
          failures: 3,
          locked: false,
          retryAfterMs: 0,
        });
      });
    });

    describe('the consecutive-failure lock', () => {
      it('locks at maxConsecutiveFailures across windows, with no retry time, until resetAttempts', async () => {
        const windowMs = windowFor(60_000);
        const policy = { maxAttempts: 2, windowMs, maxConsecutiveFailures: 3 };
        await store.reserveAttempt(alice, policy);
        await store.reserveAttempt(alice, policy);
        await pass(windowMs);
        expect(await store.reserveAttempt(alice, policy)).toMatchObject({
          allowed: true,
          failures: 3,
        });

        await pass(windowMs);
        expect(await store.reserveAttempt(alice, policy)).toMatchObject({
          allowed: false,
          failures: 3,
          locked: true,
          retryAfterMs: 0,
        });

        await store.resetAttempts(alice);
        expect(await store.reserveAttempt(alice, policy)).toMatchObject({
          allowed: true,
          failures: 1,
          locked: false,
        });
      });

      it('never lets failures pass the cap under 50 concurrent reservations', async () => {
        const policy = { maxAttempts: 100, windowMs: 60_000, maxConsecutiveFailures: 7 };
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.reserveAttempt(alice, policy)),
        );
        expect(results.filter((r) => r.allowed)).toHaveLength(7);
        expect(results.filter((r) => !r.allowed).every((r) => r.locked)).toBe(true);
        expect(Math.max(...results.map((r) => r.failures))).toBe(7);
      });

      it('binds whichever of maxAttempts and maxConsecutiveFailures is smaller first', async () => {
        const policy = { maxAttempts: 5, windowMs: 60_000, maxConsecutiveFailures: 2 };
        await store.reserveAttempt(alice, policy);
        await store.reserveAttempt(alice, policy);
        expect(await store.reserveAttempt(alice, policy)).toMatchObject({
          allowed: false,
          locked: true,
        });
      });
    });

    describe('releaseFailure', () => {
      const policy = { maxAttempts: 3, windowMs: 60_000, maxConsecutiveFailures: 100 };

      it('uncounts one failure and leaves the window as it is', async () => {
        await store.reserveAttempt(alice, policy);
        await store.reserveAttempt(alice, policy);
        await store.releaseFailure(alice);
        expect(await store.reserveAttempt(alice, policy)).toMatchObject({
          allowed: true,
          attempts: 3,
          failures: 2,
        });
        expect((await store.reserveAttempt(alice, policy)).allowed).toBe(false);
      });

      it('never takes failures below zero, nor creates state for an unknown user', async () => {
        await store.releaseFailure(alice);
        await store.releaseFailure(alice);
        expect(await store.reserveAttempt(alice, policy)).toMatchObject({
          allowed: true,
          attempts: 1,
          failures: 1,
        });
      });
    });

    describe('reserveQuota', () => {
      it('allows limit calls per window, then refuses with the time left, counting nothing', async () => {
        const quota = { limit: 3, windowMs: 10 * 60_000 };
        for (let n = 1; n <= 3; n++) {
          expect(await store.reserveQuota(alice, 'generate', quota)).toEqual({
            allowed: true,
            count: n,
            retryAfterMs: 0,
          });
        }
        for (let n = 0; n < 3; n++) {
          const refused = await store.reserveQuota(alice, 'generate', quota);
          expect(refused).toMatchObject({ allowed: false, count: 3 });
          expect(refused.retryAfterMs).toBeGreaterThan(0);
          expect(refused.retryAfterMs).toBeLessThanOrEqual(quota.windowMs);
        }
      });

      it('allows exactly limit of 30 concurrent calls', async () => {
        const quota = { limit: 4, windowMs: 60_000 };
        const results = await Promise.all(
          Array.from({ length: 30 }, () => store.reserveQuota(alice, 'generate', quota)),
        );
        expect(results.filter((r) => r.allowed)).toHaveLength(4);
      });

      it('opens a new window once the window has passed', async () => {
        const quota = { limit: 1, windowMs: windowFor(60_000) };
        await store.reserveQuota(alice, 'generate', quota);
        expect((await store.reserveQuota(alice, 'generate', quota)).allowed).toBe(false);
        await pass(quota.windowMs);
        expect(await store.reserveQuota(alice, 'generate', quota)).toEqual({
          allowed: true,
          count: 1,
          retryAfterMs: 0,
        });
      });

      it('keeps scopes apart from each other and from attempts', async () => {
        const quota = { limit: 1, windowMs: 60_000 };
        await store.reserveQuota(alice, 'generate', quota);
        expect((await store.reserveQuota(alice, 'other', quota)).allowed).toBe(true);
        expect(
          await store.reserveAttempt(alice, {
            maxAttempts: 1,
            windowMs: 60_000,
            maxConsecutiveFailures: 1,
          }),
        ).toMatchObject({ allowed: true, attempts: 1, failures: 1 });
        await store.resetAttempts(alice);
        expect((await store.reserveQuota(alice, 'generate', quota)).allowed).toBe(false);
      });
    });

    describe('isolation between users', () => {
      it('counts attempts, failures and quotas per user', async () => {
        const policy = { maxAttempts: 2, windowMs: 60_000, maxConsecutiveFailures: 100 };
        await store.reserveAttempt(alice, policy);
        await store.reserveAttempt(alice, policy);
        expect((await store.reserveAttempt(alice, policy)).allowed).toBe(false);
        expect(await store.reserveAttempt(bob, policy)).toMatchObject({
          allowed: true,
          attempts: 1,
          failures: 1,
        });
        await store.resetAttempts(bob);
        await store.releaseFailure(bob);
        expect((await store.reserveAttempt(alice, policy)).allowed).toBe(false);

        const quota = { limit: 1, windowMs: 60_000 };
        await store.reserveQuota(alice, 'generate', quota);
        expect((await store.reserveQuota(bob, 'generate', quota)).allowed).toBe(true);
      });
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
