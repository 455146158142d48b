import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// DEMO ONLY: RFC 6238 TOTP (HMAC-SHA-1, 30-second steps, 6 digits), what authenticator apps use.

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const STEP_SECONDS = 30;
const DIGITS = 6;

/** A new shared secret: 160 random bits, as RFC 4226 recommends, in base32 without padding. */
export function newTotpSecret(): string {
  return toBase32(randomBytes(20));
}

/** The code for `secret` (base32) at time `at` (epoch ms), `stepOffset` steps away. */
export function totp(secret: string, at = Date.now(), stepOffset = 0): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / STEP_SECONDS) + stepOffset));
  const mac = createHmac('sha1', fromBase32(secret)).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f; // RFC 4226 §5.3, dynamic truncation
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** DIGITS;
  return String(value).padStart(DIGITS, '0');
}

/**
 * Whether `code` is the current code, or the one just before or after it (clocks drift). A real
 * app also refuses a code it accepted before (RFC 6238 §5.2); the demo lets you reuse one so that
 * you can sign in twice within 30 seconds.
 */
export function verifyTotp(secret: string, code: string, at = Date.now()): boolean {
  const typed = Buffer.from(code.replace(/\s/g, ''));
  return [-1, 0, 1].some((offset) => {
    const expected = Buffer.from(totp(secret, at, offset));
    return typed.length === expected.length && timingSafeEqual(typed, expected);
  });
}

/** The `otpauth://` URI an authenticator app reads (usually from a QR code). */
export function otpauthUri(secret: string, account: string, issuer: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=${DIGITS}&period=${STEP_SECONDS}`;
}

/** RFC 4648 base32, without padding. */
export function toBase32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** RFC 4648 base32 to bytes; spaces, padding and case do not matter. */
export function fromBase32(text: string): Buffer {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text.toUpperCase().replace(/[\s=]/g, '')) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error('not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
