// Self-contained on purpose: no runtime imports but Node's own, so that a Node >= 24 child process
// can load this very file with type stripping and prove cross-verification against the `argon2`
// package (test/argon2-backends.e2e-spec.ts).
import * as crypto from 'node:crypto';
import type { Argon2Backend, Argon2HashOptions, Argon2VerifyOptions } from './argon2.backend.js';

/** @internal The part of Node's `crypto.argon2` (Node 24.7+) the backend uses; @types/node 20 lacks it. */
type NodeArgon2 = (
  algorithm: 'argon2d' | 'argon2i' | 'argon2id',
  parameters: {
    message: Buffer | string;
    nonce: Buffer;
    parallelism: number;
    tagLength: number;
    memory: number;
    passes: number;
    secret?: Buffer;
    associatedData?: Buffer;
  },
  callback: (error: Error | null, derivedKey: Buffer) => void,
) => void;

/** @internal Node's `crypto.argon2`, or `undefined` before Node 24.7. */
export function builtInArgon2(): NodeArgon2 | undefined {
  const candidate = (crypto as unknown as { argon2?: unknown }).argon2;
  return typeof candidate === 'function' ? (candidate as NodeArgon2) : undefined;
}

const SALT_BYTES = 16;
const HASH_BYTES = 32;
const VERSION = 19;
const ALGORITHMS = new Set(['argon2d', 'argon2i', 'argon2id']);

/**
 * @internal argon2 through Node's built-in `crypto.argon2` (Node 24.7+): no native addon to
 * install or build. It runs on libuv's thread pool like the addon does.
 */
export class NodeCryptoArgon2Backend implements Argon2Backend {
  readonly name = 'node:crypto' as const;
  private readonly argon2: NodeArgon2;

  constructor(argon2: NodeArgon2 | undefined = builtInArgon2()) {
    if (!argon2) throw new Error('crypto.argon2 needs Node 24.7 or later');
    this.argon2 = argon2;
  }

  async hash(password: string, options: Argon2HashOptions): Promise<string> {
    const salt = options.salt ?? crypto.randomBytes(SALT_BYTES);
    const hash = await this.derive('argon2id', {
      message: password,
      nonce: salt,
      parallelism: options.parallelism,
      tagLength: HASH_BYTES,
      memory: options.memoryCost,
      passes: options.timeCost,
      ...(options.secret ? { secret: options.secret } : {}),
    });
    // The `argon2` package's layout: parameters in the order m, p, t; unpadded standard base64.
    return `$argon2id$v=${VERSION}$m=${options.memoryCost},p=${options.parallelism},t=${options.timeCost}$${b64(salt)}$${b64(hash)}`;
  }

  async verify(digest: string, password: string, options?: Argon2VerifyOptions): Promise<boolean> {
    const phc = parsePhc(digest);
    if (!phc) return false;
    let actual: Buffer;
    try {
      actual = await this.derive(phc.algorithm, {
        message: password,
        nonce: phc.salt,
        parallelism: phc.parallelism,
        tagLength: phc.hash.length,
        memory: phc.memoryCost,
        passes: phc.timeCost,
        ...(options?.secret ? { secret: options.secret } : {}),
        ...(phc.data ? { associatedData: phc.data } : {}),
      });
    } catch (error) {
      // Parameters argon2 itself refuses (a tampered digest) are a mismatch, not a fault.
      if (isRangeError(error)) return false;
      throw error;
    }
    return actual.length === phc.hash.length && crypto.timingSafeEqual(actual, phc.hash);
  }

  private derive(
    algorithm: 'argon2d' | 'argon2i' | 'argon2id',
    parameters: Parameters<NodeArgon2>[1],
  ): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.argon2(algorithm, parameters, (error, key) => (error ? reject(error) : resolve(key)));
    });
  }
}

/** @internal The fields of an argon2 PHC string. */
interface ParsedPhc {
  algorithm: 'argon2d' | 'argon2i' | 'argon2id';
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  data?: Buffer;
  salt: Buffer;
  hash: Buffer;
}

/**
 * @internal Reads `$argon2id$v=19$m=…,t=…,p=…[,data=…]$salt$hash`, parameters in any order, as the
 * `argon2` package and the reference implementation write them. `null` when it is not one, or when
 * it is an argon2 version other than 1.3 (19), the only one Node implements.
 */
export function parsePhc(digest: string): ParsedPhc | null {
  const parts = digest.split('$');
  // '', id, v=19, params, salt, hash
  if (parts.length !== 6 || parts[0] !== '') return null;
  const [, algorithm, version, params, salt, hash] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!ALGORITHMS.has(algorithm) || version !== `v=${VERSION}`) return null;
  const values = new Map<string, string>();
  for (const pair of params.split(',')) {
    const at = pair.indexOf('=');
    if (at < 1 || values.has(pair.slice(0, at))) return null;
    values.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const memoryCost = integer(values.get('m'));
  const timeCost = integer(values.get('t'));
  const parallelism = integer(values.get('p'));
  const data = values.get('data');
  for (const key of values.keys()) if (!['m', 't', 'p', 'data'].includes(key)) return null;
  if (memoryCost === null || timeCost === null || parallelism === null) return null;
  if (!isB64(salt) || !isB64(hash) || (data !== undefined && !isB64(data))) return null;
  const parsed: ParsedPhc = {
    algorithm: algorithm as ParsedPhc['algorithm'],
    memoryCost,
    timeCost,
    parallelism,
    salt: Buffer.from(salt, 'base64'),
    hash: Buffer.from(hash, 'base64'),
  };
  if (data) parsed.data = Buffer.from(data, 'base64');
  // argon2's own bounds: an 8-byte salt, a 4-byte tag, 8 KiB per lane, at most 2^24 - 1 lanes.
  const valid =
    parsed.salt.length >= 8 &&
    parsed.hash.length >= 4 &&
    parallelism < 2 ** 24 &&
    memoryCost >= 8 * parallelism;
  return valid ? parsed : null;
}

function integer(value: string | undefined): number | null {
  return value !== undefined && /^[1-9]\d{0,9}$/.test(value) ? Number(value) : null;
}

function isB64(value: string): boolean {
  return /^[A-Za-z0-9+/]+$/.test(value);
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

function isRangeError(error: unknown): boolean {
  return (
    error instanceof RangeError ||
    (typeof error === 'object' &&
      error !== null &&
      /^ERR_(OUT_OF_RANGE|INVALID_ARG|CRYPTO_INVALID)/.test(
        String((error as { code?: unknown }).code),
      ))
  );
}
