import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import argon2 from 'argon2';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { FAST_HASHING } from './codes/testing/fast-hashing.js';
import { RecoveryCodeHasher } from './codes/recovery-code.hasher.js';
import { InvalidRecoveryCodeException, MfaConfigurationError } from './mfa.exceptions.js';
import { MfaModule } from './mfa.module.js';
import { resolveMfaOptions } from './mfa.options.js';
import { MfaService } from './mfa.service.js';
import type { MfaModuleOptions } from './mfa-module-options.interface.js';
import { InMemoryRecoveryCodeStore } from './store/in-memory-recovery-code.store.js';
import type { NewRecoveryCodeRecord } from './store/recovery-code-store.interface.js';

const KEY_1 = randomBytes(32);
const KEY_2 = randomBytes(32).toString('base64'); // a string key: its 44 UTF-8 bytes
const KEY_3 = randomBytes(48);

const modules: TestingModule[] = [];
afterEach(async () => {
  await Promise.all(modules.splice(0).map((m) => m.close()));
});

/** A store that remembers every record it was handed, for what a dump of it would hold. */
class DumpableStore extends InMemoryRecoveryCodeStore {
  readonly records: NewRecoveryCodeRecord[] = [];

  override async replaceAll(userId: string, codes: readonly NewRecoveryCodeRecord[]) {
    this.records.push(...codes);
    return super.replaceAll(userId, codes);
  }

  override async append(userId: string, code: NewRecoveryCodeRecord, maxActive: number) {
    this.records.push(code);
    return super.append(userId, code, maxActive);
  }
}

/** One app instance on `store`, as configured; apps on one store model a redeploy. */
async function app(store: DumpableStore, options: MfaModuleOptions = {}) {
  const builder = Test.createTestingModule({
    imports: [MfaModule.forRoot({ store, hashing: FAST_HASHING, maxAttempts: 1000, ...options })],
  });
  builder.setLogger({ log() {}, error() {}, warn() {} });
  const moduleRef = await builder.compile();
  await moduleRef.init();
  modules.push(moduleRef);
  const hasher = moduleRef.get(RecoveryCodeHasher, { strict: false });
  return { mfa: moduleRef.get(MfaService), verify: jest.spyOn(hasher, 'verify') };
}

async function outcome(mfa: MfaService, userId: string, code: string): Promise<number> {
  try {
    await mfa.redeemRecoveryCode(userId, code);
    return 200;
  } catch (error) {
    if (error instanceof InvalidRecoveryCodeException) return 401;
    throw error;
  }
}

const canonical = (code: string) => code.replace(/-/g, '');

describe('MfaService with a pepper', () => {
  it.each(['hex', 'base32', 'digits'] as const)(
    'issues %s codes that redeem, once, like codes without a pepper',
    async (codeFormat) => {
      const { mfa } = await app(new DumpableStore(), { pepper: KEY_1, codeFormat });
      const { codes } = await mfa.generateRecoveryCodes('alice', 2);
      const { code } = await mfa.generateRecoveryCode('alice');
      expect(await outcome(mfa, 'alice', codes[0])).toBe(200);
      expect(await outcome(mfa, 'alice', code)).toBe(200);
      expect(await outcome(mfa, 'alice', codes[0])).toBe(401);
      expect(await outcome(mfa, 'bob', codes[1])).toBe(401);
    },
  );

  it('stores lookup keys that equal no unkeyed SHA-256 derivation of the lookup part', async () => {
    const store = new DumpableStore();
    const { mfa } = await app(store, { pepper: KEY_1 });
    const { codes } = await mfa.generateRecoveryCodes('alice', 5);
    const stored = store.records.map((r) => r.lookupKey);
    expect(stored).toHaveLength(5);
    for (const code of codes) {
      const lookup = canonical(code).slice(0, 8);
      const unkeyed = [
        `alice\0${lookup}`,
        `alice${lookup}`,
        `${lookup}\0alice`,
        lookup,
        canonical(code),
        code,
      ].flatMap((input) => {
        const digest = createHash('sha256').update(input).digest();
        return [digest.toString('base64url'), digest.toString('hex'), digest.toString('base64')];
      });
      for (const candidate of unkeyed) expect(stored).not.toContain(candidate);
      // What it is instead: HMAC-SHA256 under the pepper.
      const keyed = createHmac('sha256', KEY_1).update(`alice\0${lookup}`).digest('base64url');
      expect(stored).toContain(keyed);
    }
  });

  it('stores argon2id digests that only verify with the pepper as the secret', async () => {
    const store = new DumpableStore();
    const { mfa } = await app(store, { pepper: KEY_1 });
    const { code } = await mfa.generateRecoveryCode('alice');
    const [{ digest }] = store.records;
    expect(digest).toMatch(/^\$argon2id\$/);
    await expect(argon2.verify(digest, canonical(code))).resolves.toBe(false);
    await expect(argon2.verify(digest, canonical(code), { secret: KEY_1 })).resolves.toBe(true);
  });

  it('keeps codes issued under a previous key working after a rotation, and issues new ones under the current key', async () => {
    const store = new DumpableStore();
    const before = await app(store, { pepper: KEY_1 });
    const { codes: old } = await before.mfa.generateRecoveryCodes('alice', 3);

    const after = await app(store, { pepper: { current: KEY_2, previous: [KEY_1] } });
    expect(await outcome(after.mfa, 'alice', old[0])).toBe(200);
    const { code } = await after.mfa.generateRecoveryCode('alice');
    const lookup = canonical(code).slice(0, 8);
    expect(store.records.at(-1)?.lookupKey).toBe(
      createHmac('sha256', KEY_2).update(`alice\0${lookup}`).digest('base64url'),
    );
    expect(await outcome(after.mfa, 'alice', code)).toBe(200);
    expect(await outcome(after.mfa, 'alice', old[1])).toBe(200);
  });

  it('makes codes issued under a key fail with 401 once that key is dropped', async () => {
    const store = new DumpableStore();
    const before = await app(store, { pepper: KEY_1 });
    const { codes } = await before.mfa.generateRecoveryCodes('alice', 3);

    const rotated = await app(store, { pepper: { current: KEY_2 } });
    expect(await outcome(rotated.mfa, 'alice', codes[0])).toBe(401);
    const unpeppered = await app(store);
    expect(await outcome(unpeppered.mfa, 'alice', codes[1])).toBe(401);
    // The codes are not spent: the old key brings them back.
    expect(await outcome(before.mfa, 'alice', codes[0])).toBe(200);
  });

  it('spends exactly one argon2 verification per attempt with two previous keys', async () => {
    const store = new DumpableStore();
    const issued: string[] = [];
    for (const pepper of [KEY_1, KEY_2, KEY_3]) {
      const { mfa } = await app(store, { pepper, maxActiveCodes: 10 });
      issued.push((await mfa.generateRecoveryCode('alice')).code);
    }
    const { mfa, verify } = await app(store, {
      pepper: { current: KEY_3, previous: [KEY_2, KEY_1] },
    });
    const findActive = jest.spyOn(store, 'findActive');
    const nearMiss = issued[0].slice(0, 9) + 'ffff-ffff-ffff';
    const guesses = [nearMiss, 'ffffffff-0000-0000-0000', 'garbage', ...issued];
    const verifications: number[] = [];
    const reads: number[] = [];
    const statuses: number[] = [];
    for (const guess of guesses) {
      verify.mockClear();
      findActive.mockClear();
      statuses.push(await outcome(mfa, 'alice', guess));
      verifications.push(verify.mock.calls.length);
      reads.push(findActive.mock.calls.length);
    }
    expect(statuses).toEqual([401, 401, 401, 200, 200, 200]);
    expect(verifications).toEqual([1, 1, 1, 1, 1, 1]);
    // One cheap store read per key for every well-formed guess; none for garbage.
    expect(reads).toEqual([3, 3, 0, 3, 3, 3]);
  });

  it('does not issue a code whose lookup part is still active under a previous key', async () => {
    const store = new DumpableStore();
    const { mfa } = await app(store, { pepper: { current: KEY_2, previous: [KEY_1] } });
    const findActive = jest.spyOn(store, 'findActive');
    // The first candidate's lookup part is taken under the previous key.
    findActive.mockResolvedValueOnce({
      id: 'old',
      userId: 'alice',
      lookupKey: 'x',
      digest: 'y',
      createdAt: new Date(),
      usedAt: null,
    });
    const append = jest.spyOn(store, 'append');
    await mfa.generateRecoveryCode('alice');
    expect(findActive).toHaveBeenCalledTimes(2);
    expect(append).toHaveBeenCalledTimes(1);
  });

  it.each<[string, MfaModuleOptions['pepper'], string, number]>([
    ['a short string', 'too-short-a-secret', '`pepper`', 18],
    ['a 31-byte Buffer', randomBytes(31), '`pepper`', 31],
    ['a short current key', { current: Buffer.alloc(16, 7) }, '`pepper.current`', 16],
    [
      'a short previous key',
      { current: KEY_1, previous: [KEY_3, 'x'.repeat(31)] },
      '`pepper.previous[1]`',
      31,
    ],
  ])(
    'refuses %s at startup, naming the key and its length, not its value',
    (_, pepper, name, length) => {
      const error = (() => {
        try {
          resolveMfaOptions({ pepper });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(MfaConfigurationError);
      const message = (error as Error).message;
      expect(message).toContain(`${name} must be at least 32 bytes (got ${length})`);
      expect(message).not.toContain('too-short-a-secret');
      expect(message).not.toContain('x'.repeat(31));
    },
  );

  it.each<[string, unknown]>([
    ['a number', 42],
    ['an object without current', { previous: [KEY_1] }],
    ['previous that is not an array', { current: KEY_1, previous: KEY_2 }],
  ])('refuses %s as a pepper at startup', (_, pepper) => {
    expect(() => resolveMfaOptions({ pepper: pepper as MfaModuleOptions['pepper'] })).toThrow(
      MfaConfigurationError,
    );
  });

  it('never shows a key in the resolved options, the store or an error', async () => {
    const resolved = resolveMfaOptions({ pepper: { current: KEY_2, previous: [KEY_1] } });
    const secrets = [
      KEY_2,
      KEY_1.toString('hex'),
      KEY_1.toString('base64'),
      KEY_1.toString('utf8'),
    ];
    const shown = [
      JSON.stringify(resolved),
      inspect(resolved, { depth: 10, showHidden: true }),
      String(resolved.pepper),
    ].join('\n');
    for (const secret of secrets) expect(shown).not.toContain(secret);
    expect(inspect(resolved.pepper, { depth: 10 })).not.toMatch(/[0-9a-f]{2} [0-9a-f]{2}/);

    const store = new DumpableStore();
    const { mfa } = await app(store, { pepper: KEY_2 });
    await mfa.generateRecoveryCodes('alice', 3);
    const error = await mfa.redeemRecoveryCode('alice', 'ffffffff-ffff-ffff-ffff').catch((e) => e);
    const exposed = [JSON.stringify(store.records), JSON.stringify(error), String(error)].join();
    expect(exposed).not.toContain(KEY_2);
  });
});
