import { describe, expect, it } from '@jest/globals';
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { MfaConfigurationError } from '../mfa.exceptions.js';
import { Argon2PackageBackend } from './argon2-package.backend.js';
import { loadArgon2Backend } from './load-argon2-backend.js';
import { builtInArgon2, NodeCryptoArgon2Backend, parsePhc } from './node-crypto-argon2.backend.js';

const PARAMS = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
type BuiltIn = NonNullable<ReturnType<typeof builtInArgon2>>;

/**
 * `crypto.argon2` where this Node has it; elsewhere the same primitive computed by the argon2
 * package's raw mode, so the built-in backend's own encoding and parsing run on every Node.
 * (test/argon2-backends.e2e-spec.ts checks it against the real `crypto.argon2` on Node 24.)
 */
const primitive: BuiltIn =
  builtInArgon2() ??
  ((algorithm, p, callback) => {
    argon2
      .hash(Buffer.from(p.message), {
        raw: true,
        type: ({ argon2d: 0, argon2i: 1, argon2id: 2 } as const)[algorithm],
        salt: p.nonce,
        hashLength: p.tagLength,
        memoryCost: p.memory,
        timeCost: p.passes,
        parallelism: p.parallelism,
        ...(p.secret ? { secret: p.secret } : {}),
        ...(p.associatedData ? { associatedData: p.associatedData } : {}),
      })
      .then(
        (key) => callback(null, key),
        (error: Error) => callback(error, Buffer.alloc(0)),
      );
  });

describe('the built-in argon2 backend (crypto.argon2)', () => {
  const backend = new NodeCryptoArgon2Backend(primitive);

  it('writes the argon2 package’s PHC layout, byte for byte for the same salt and secret', async () => {
    const salt = randomBytes(16);
    const secret = randomBytes(32);
    for (const extra of [{}, { secret }]) {
      const ours = await backend.hash('a1b2c3d4', { ...PARAMS, salt, ...extra });
      const theirs = await argon2.hash('a1b2c3d4', {
        type: argon2.argon2id,
        ...PARAMS,
        salt,
        ...extra,
      });
      expect(ours).toBe(theirs);
    }
  });

  it('verifies only the same code with the same secret', async () => {
    const secret = randomBytes(32);
    const digest = await backend.hash('code', { ...PARAMS, secret });
    await expect(backend.verify(digest, 'code', { secret })).resolves.toBe(true);
    await expect(backend.verify(digest, 'code')).resolves.toBe(false);
    await expect(backend.verify(digest, 'cod3', { secret })).resolves.toBe(false);
  });

  it('reads parameters in any order, with associated data, as other tools write them', async () => {
    const data = randomBytes(8);
    const digest = await argon2.hash('code', {
      type: argon2.argon2id,
      ...PARAMS,
      associatedData: data,
    });
    expect(digest).toContain(',data=');
    await expect(backend.verify(digest, 'code')).resolves.toBe(true);
    const reordered = digest.replace('m=1024,p=1,t=1', 't=1,m=1024,p=1');
    await expect(backend.verify(reordered, 'code')).resolves.toBe(true);
  });

  it('treats malformed or tampered digests as a mismatch', async () => {
    const digest = await backend.hash('code', PARAMS);
    for (const bad of [
      'not-a-digest',
      digest.replace('v=19', 'v=16'),
      digest.replace('m=1024', 'm=4'),
      digest.replace('m=1024', 'm=-1'),
      digest.replace('$argon2id$', '$scrypt$'),
      `${digest}$extra`,
      digest.replace(/\$[^$]+$/, '$!!'),
    ]) {
      await expect(backend.verify(bad, 'code')).resolves.toBe(false);
    }
    expect(parsePhc(digest)).toMatchObject({ algorithm: 'argon2id', memoryCost: 1024 });
  });
});

describe('the argon2 package backend', () => {
  it('verifies with and without a secret, and treats malformed digests as a mismatch', async () => {
    const backend = await Argon2PackageBackend.load();
    const secret = randomBytes(32);
    const digest = await backend.hash('code', { ...PARAMS, secret });
    await expect(backend.verify(digest, 'code', { secret })).resolves.toBe(true);
    await expect(backend.verify(digest, 'code')).resolves.toBe(false);
    await expect(backend.verify('not-a-digest', 'code')).resolves.toBe(false);
  });
});

describe('loadArgon2Backend', () => {
  it('uses Node’s crypto.argon2 where it exists, else the argon2 package', async () => {
    const backend = await loadArgon2Backend();
    expect(backend.name).toBe(builtInArgon2() ? 'node:crypto' : 'argon2');
    const built = await loadArgon2Backend({
      builtIn: primitive,
      loadPackage: () => Promise.reject(new Error('must not be loaded')),
    });
    expect(built.name).toBe('node:crypto');
  });

  it('fails naming the fix when neither is available', async () => {
    const missing = Object.assign(new Error("Cannot find package 'argon2' imported from /app"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await loadArgon2Backend({
      builtIn: undefined,
      loadPackage: () => Promise.reject(missing),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MfaConfigurationError);
    expect((error as Error).message).toContain('`npm install argon2`');
    expect((error as Error).message).toContain('Node 24.7 or later');
  });

  it('names the rebuild when the argon2 addon is there but does not load', async () => {
    const error = await loadArgon2Backend({
      builtIn: undefined,
      loadPackage: () => Promise.reject(new Error('No native build was found for platform=linux')),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MfaConfigurationError);
    expect((error as Error).message).toContain('No native build was found');
    expect((error as Error).message).toContain('`npm rebuild argon2`');
  });
});
