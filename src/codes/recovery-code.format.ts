import { createHash, createHmac, randomInt } from 'node:crypto';
import { MfaConfigurationError } from '../mfa-configuration.error.js';

/**
 * The code presets. Each has at least 40 bits; see `describeRecoveryCodeFormat()`.
 * @publicApi
 */
export type RecoveryCodeFormat = 'hex' | 'base32' | 'digits';

/** @internal The shape of one preset. */
interface FormatSpec {
  readonly alphabet: string;
  /** Characters per dash-separated group; their sum is the code length. */
  readonly groups: readonly number[];
  /** Leading characters that form the non-secret lookup part. */
  readonly lookupLength: number;
  /** Maps typed input onto the alphabet: case, look-alikes. Dashes and spaces are already gone. */
  readonly fold: (input: string) => string;
}

// Crockford's base32: no I, L, O or U; I and L read as 1, O as 0.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const FORMATS: Readonly<Record<RecoveryCodeFormat, FormatSpec>> = {
  hex: {
    alphabet: '0123456789abcdef',
    groups: [8, 4, 4, 4],
    lookupLength: 8,
    fold: (s) => s.toLowerCase(),
  },
  base32: {
    alphabet: CROCKFORD,
    groups: [4, 4, 4, 4],
    lookupLength: 4,
    fold: (s) => s.toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1'),
  },
  digits: {
    alphabet: '0123456789',
    groups: [5, 5, 5, 5],
    lookupLength: 5,
    fold: (s) => s,
  },
};

/**
 * What a preset looks like: its length, its entropy and an example layout.
 * @publicApi
 */
export interface RecoveryCodeFormatDescription {
  /** The preset described. */
  format: RecoveryCodeFormat;
  /** Characters, without dashes. */
  length: number;
  /** Entropy of a whole code in bits. */
  bits: number;
  /** Entropy of the secret part (everything after the lookup part) in bits. */
  secretBits: number;
}

/**
 * Describes a preset, for docs and tests.
 * @publicApi
 */
export function describeRecoveryCodeFormat(
  format: RecoveryCodeFormat,
): RecoveryCodeFormatDescription {
  const spec = specOf(format);
  const length = totalLength(spec);
  const bitsPerChar = Math.log2(spec.alphabet.length);
  return {
    format,
    length,
    bits: length * bitsPerChar,
    secretBits: (length - spec.lookupLength) * bitsPerChar,
  };
}

/** @internal A code split into the two parts the service needs. */
export interface ParsedRecoveryCode {
  /** Non-secret prefix that finds the record. */
  lookup: string;
  /** Canonical form of the whole code: what argon2 hashes. */
  canonical: string;
}

/** @internal A freshly generated code: the display form and its parts. */
export interface GeneratedRecoveryCode extends ParsedRecoveryCode {
  display: string;
}

/**
 * @internal Draws a code from `node:crypto`. `randomInt` rejects out-of-range draws, so every
 * symbol is equally likely (no modulo bias).
 */
export function generateRecoveryCodeValue(format: RecoveryCodeFormat): GeneratedRecoveryCode {
  const spec = specOf(format);
  let canonical = '';
  for (let i = 0; i < totalLength(spec); i++) {
    canonical += spec.alphabet[randomInt(spec.alphabet.length)];
  }
  return {
    canonical,
    lookup: canonical.slice(0, spec.lookupLength),
    display: group(spec, canonical),
  };
}

/**
 * @internal Normalises typed input (case, spaces, dashes, look-alikes) and splits it. Returns
 * `null` when the result cannot be a code of this format; the caller still spends one hash on it.
 */
export function parseRecoveryCode(
  input: string,
  format: RecoveryCodeFormat,
): ParsedRecoveryCode | null {
  const spec = specOf(format);
  const canonical = spec.fold(input.replace(/[\s\-_]/g, ''));
  if (canonical.length !== totalLength(spec)) return null;
  for (const ch of canonical) {
    if (!spec.alphabet.includes(ch)) return null;
  }
  return { canonical, lookup: canonical.slice(0, spec.lookupLength) };
}

/**
 * @internal The key a store indexes by, derived from the user and the lookup part so that a digest
 * copied to another user is never found. With a pepper `key` it is HMAC-SHA256 under that key, and
 * a store dump alone says nothing about the lookup part. Without one it is a plain SHA-256, which
 * whoever reads the store can invert by trying every lookup part (see docs/security.md).
 */
export function deriveLookupKey(userId: string, lookup: string, key?: Buffer): string {
  const hash = key ? createHmac('sha256', key) : createHash('sha256');
  return hash.update(userId).update('\0').update(lookup).digest('base64url');
}

function specOf(format: RecoveryCodeFormat): FormatSpec {
  const spec = (FORMATS as Record<string, FormatSpec | undefined>)[format];
  if (!spec) {
    throw new MfaConfigurationError(
      `Unknown codeFormat "${String(format)}": set \`codeFormat\` in MfaModule.forRoot() to 'hex', 'base32' or 'digits'.`,
    );
  }
  return spec;
}

function totalLength(spec: FormatSpec): number {
  return spec.groups.reduce((a, b) => a + b, 0);
}

function group(spec: FormatSpec, canonical: string): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of spec.groups) {
    parts.push(canonical.slice(at, at + size));
    at += size;
  }
  return parts.join('-');
}
