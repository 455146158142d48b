import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type {
  NewRecoveryCodeRecord,
  RecoveryCodeStore,
} from '../store/recovery-code-store.interface.js';

/**
 * What a `describeRecoveryCodeStore()` factory returns for one test.
 * @publicApi
 */
export interface RecoveryCodeStoreFixture {
  /** The store under test. Users differ between tests, so a shared database is fine. */
  store: RecoveryCodeStore;
  /** Runs after each test: close pools, drop tables. */
  cleanup?: () => void | Promise<void>;
}

/**
 * Makes a fresh fixture for each test.
 * @publicApi
 */
export type RecoveryCodeStoreFactory = () =>
  RecoveryCodeStoreFixture | Promise<RecoveryCodeStoreFixture>;

/**
 * The conformance suite of the `RecoveryCodeStore` contract, for Jest: atomic replacement, the cap
 * under concurrent appends, one winner among concurrent consumes, restore, status, revoke and
 * isolation between users. Call it at the top level of a spec file; it declares its own `describe`
 * block. Attempt counters have their own suite, `describeAttemptStore()`.
 * @example
 * describeRecoveryCodeStore('MyStore', async () => {
 *   const store = new MyStore(dataSource);
 *   return { store, cleanup: () => store.clear() };
 * });
 * @publicApi
 */
export function describeRecoveryCodeStore(name: string, factory: RecoveryCodeStoreFactory): void {
  describe(`${name} (RecoveryCodeStore conformance)`, () => {
    let fixture: RecoveryCodeStoreFixture;
    let store: RecoveryCodeStore;
    let alice: string;
    let bob: string;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
      // Fresh users per test: a store shared between tests cannot leak state into the next.
      const run = randomUUID();
      alice = `alice-${run}`;
      bob = `bob-${run}`;
    });

    afterEach(async () => {
      await fixture.cleanup?.();
    });

    describe('replaceAll', () => {
      it('holds exactly the new set afterwards, used codes included in what is replaced', async () => {
        const old = records(3);
        await store.replaceAll(alice, old);
        const used = await active(store, alice, old[0]);
        await store.consume(alice, used.id);

        const fresh = records(4);
        await store.replaceAll(alice, fresh);

        for (const code of old) expect(await store.findActive(alice, code.lookupKey)).toBeNull();
        for (const code of fresh) {
          expect(await store.findActive(alice, code.lookupKey)).toMatchObject({
            digest: code.digest,
          });
        }
        expect(await store.status(alice)).toMatchObject({ remaining: 4, lastUsedAt: null });
      });

      it('never shows a concurrent reader a mix of the old and the new set', async () => {
        const sizes = [10, 7];
        await store.replaceAll(alice, records(sizes[0]));
        const seen = new Set<number>();
        let writing = true;
        const readers = Array.from({ length: 4 }, async () => {
          while (writing) {
            seen.add((await store.status(alice)).remaining);
            // Yield to timers and I/O, which a store's replaceAll may be waiting on.
            await new Promise((resolve) => setImmediate(resolve));
          }
        });
        for (let round = 1; round <= 20; round++) {
          await Promise.all([
            store.replaceAll(alice, records(sizes[round % 2])),
            store.status(alice).then((s) => seen.add(s.remaining)),
          ]);
        }
        writing = false;
        await Promise.all(readers);
        expect(seen.size).toBeGreaterThan(0);
        for (const remaining of seen) expect(sizes).toContain(remaining);
      });

      it('accepts an empty set, which removes every code', async () => {
        await store.replaceAll(alice, records(2));
        await store.replaceAll(alice, []);
        expect((await store.status(alice)).remaining).toBe(0);
      });
    });

    describe('append', () => {
      it('adds a code that findActive then returns with an id and its digest', async () => {
        const [code] = records(1);
        expect(await store.append(alice, code, 10)).toBe(true);
        const found = await active(store, alice, code);
        expect(found).toMatchObject({ digest: code.digest });
        expect(typeof found.id).toBe('string');
        expect(found.id.length).toBeGreaterThan(0);
        const { generatedAt } = await store.status(alice);
        expect(generatedAt).toBeInstanceOf(Date);
        expect(Number.isNaN(generatedAt?.getTime())).toBe(false);
      });

      it('refuses a duplicate lookup key of an unused code and adds nothing', async () => {
        const [code] = records(1);
        await store.append(alice, code, 10);
        expect(await store.append(alice, { ...code, digest: digest() }, 10)).toBe(false);
        expect((await store.status(alice)).remaining).toBe(1);
        expect((await active(store, alice, code)).digest).toBe(code.digest);
      });

      it('accepts the lookup key of a used code, and of another user', async () => {
        const [code] = records(1);
        await store.append(alice, code, 10);
        await store.consume(alice, (await active(store, alice, code)).id);
        expect(await store.append(alice, { ...code, digest: digest() }, 10)).toBe(true);
        expect(await store.append(bob, code, 10)).toBe(true);
      });

      it('keeps the newest maxActive unused codes and evicts the oldest', async () => {
        const codes = records(12);
        for (const code of codes) await store.append(alice, code, 10);
        expect((await store.status(alice)).remaining).toBe(10);
        for (const code of codes.slice(0, 2)) {
          expect(await store.findActive(alice, code.lookupKey)).toBeNull();
        }
        for (const code of codes.slice(2)) await active(store, alice, code);
      });

      it('keeps when a code was last used across appends', async () => {
        const codes = records(3);
        for (const code of codes.slice(0, 2)) await store.append(alice, code, 10);
        await store.consume(alice, (await active(store, alice, codes[0])).id);
        await store.append(alice, codes[2], 10);
        expect((await store.status(alice)).lastUsedAt).toBeInstanceOf(Date);
      });

      it('never leaves more than maxActive unused codes under 30 concurrent appends', async () => {
        const codes = records(30);
        const added = await Promise.all(codes.map((code) => store.append(alice, code, 10)));
        expect(added.every(Boolean)).toBe(true);
        expect((await store.status(alice)).remaining).toBe(10);
        const found = await Promise.all(codes.map((c) => store.findActive(alice, c.lookupKey)));
        expect(found.filter((f) => f !== null)).toHaveLength(10);
      });
    });

    describe('consume', () => {
      it('marks the code used and reports the unused codes left', async () => {
        const codes = records(3);
        await store.replaceAll(alice, codes);
        const code = await active(store, alice, codes[1]);
        expect(await store.consume(alice, code.id)).toEqual({ remaining: 2 });
        expect(await store.findActive(alice, codes[1].lookupKey)).toBeNull();
        expect(await store.consume(alice, code.id)).toBeNull();
      });

      it('lets exactly one of 50 concurrent consumes of one code win', async () => {
        const codes = records(4);
        await store.replaceAll(alice, codes);
        const { id } = await active(store, alice, codes[0]);
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.consume(alice, id)),
        );
        expect(results.filter((r) => r !== null)).toEqual([{ remaining: 3 }]);
        expect((await store.status(alice)).remaining).toBe(3);
      });

      it('resolves null for a missing, revoked or malformed id', async () => {
        const [code] = records(1);
        await store.append(alice, code, 10);
        const { id } = await active(store, alice, code);
        await store.revokeAll(alice);
        expect(await store.consume(alice, id)).toBeNull();
        expect(await store.consume(alice, 'no-such-code')).toBeNull();
        expect(await store.consume(alice, '')).toBeNull();
      });
    });

    describe('restore', () => {
      it('makes a consumed code usable again, once', async () => {
        const codes = records(2);
        await store.replaceAll(alice, codes);
        const { id } = await active(store, alice, codes[0]);
        await store.consume(alice, id);
        expect(await store.restore(alice, id)).toBe(true);
        expect(await store.restore(alice, id)).toBe(false);
        expect((await active(store, alice, codes[0])).id).toBe(id);
        expect(await store.consume(alice, id)).toEqual({ remaining: 1 });
      });

      it('resolves false for an unused, missing or malformed code', async () => {
        const [code] = records(1);
        await store.append(alice, code, 10);
        const { id } = await active(store, alice, code);
        expect(await store.restore(alice, id)).toBe(false);
        expect(await store.restore(alice, 'no-such-code')).toBe(false);
      });
    });

    describe('status', () => {
      it('is empty for an unknown user', async () => {
        expect(await store.status(alice)).toEqual({
          remaining: 0,
          generatedAt: null,
          lastUsedAt: null,
        });
      });

      it('counts unused codes and dates generation and the last use', async () => {
        const codes = records(3);
        await store.replaceAll(alice, codes);
        const fresh = await store.status(alice);
        expect(fresh.remaining).toBe(3);
        expect(fresh.generatedAt).toBeInstanceOf(Date);
        expect(fresh.lastUsedAt).toBeNull();

        await store.consume(alice, (await active(store, alice, codes[0])).id);
        const after = await store.status(alice);
        expect(after.remaining).toBe(2);
        expect(after.lastUsedAt).toBeInstanceOf(Date);
        expect(after.lastUsedAt?.getTime()).toBeGreaterThanOrEqual(
          fresh.generatedAt?.getTime() ?? Infinity,
        );
      });

      it('has no generation date once every code is used', async () => {
        const [code] = records(1);
        await store.append(alice, code, 10);
        await store.consume(alice, (await active(store, alice, code)).id);
        expect(await store.status(alice)).toMatchObject({ remaining: 0, generatedAt: null });
      });
    });

    describe('revokeAll', () => {
      it('deletes every code of the user, used or not', async () => {
        const codes = records(3);
        await store.replaceAll(alice, codes);
        await store.consume(alice, (await active(store, alice, codes[0])).id);
        await store.revokeAll(alice);
        expect(await store.status(alice)).toEqual({
          remaining: 0,
          generatedAt: null,
          lastUsedAt: null,
        });
        for (const code of codes) expect(await store.findActive(alice, code.lookupKey)).toBeNull();
      });
    });

    describe('isolation between users', () => {
      it('never lets one user find, consume, restore, count or revoke the codes of another', async () => {
        const codes = records(2);
        await store.replaceAll(alice, codes);
        const code = await active(store, alice, codes[0]);

        expect(await store.findActive(bob, codes[0].lookupKey)).toBeNull();
        expect(await store.consume(bob, code.id)).toBeNull();
        expect((await store.status(bob)).remaining).toBe(0);
        await store.revokeAll(bob);
        await store.replaceAll(bob, records(1));
        expect((await store.status(alice)).remaining).toBe(2);

        await store.consume(alice, code.id);
        expect(await store.restore(bob, code.id)).toBe(false);
        expect(await store.findActive(alice, codes[0].lookupKey)).toBeNull();
      });
    });
  });
}

/** Random records shaped like the service's: a base64url SHA-256 key and an argon2id PHC string. */
function records(count: number): NewRecoveryCodeRecord[] {
  return Array.from({ length: count }, () => ({
    lookupKey: randomBytes(32).toString('base64url'),
    digest: digest(),
  }));
}

function digest(): string {
  const b64 = (n: number) => randomBytes(n).toString('base64').replace(/=+$/, '');
  return `$argon2id$v=19$m=19456,t=2,p=1$${b64(16)}$${b64(32)}`;
}

async function active(store: RecoveryCodeStore, userId: string, code: NewRecoveryCodeRecord) {
  const found = await store.findActive(userId, code.lookupKey);
  expect(found).not.toBeNull();
  if (!found) throw new Error('unreachable');
  return found;
}
