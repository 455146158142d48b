// DEMO ONLY: the phone's half of RFC 6238 TOTP (HMAC-SHA-1, 30 s, 6 digits), with Web Crypto.
// The server checks codes with its own node:crypto half (demo/server/totp.ts).

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const STEP_MS = 30_000;

function fromBase32(text: string): Uint8Array<ArrayBuffer> {
  const clean = text.toUpperCase().replace(/[\s=]/g, '');
  const out = new Uint8Array(new ArrayBuffer(Math.floor((clean.length * 5) / 8)));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const char of clean) {
    value = (value << 5) | BASE32.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out[index++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
}

/** The 6-digit code for a base32 secret at `at` (epoch ms). */
export async function totp(secret: string, at = Date.now()): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    fromBase32(secret),
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['sign'],
  );
  const counter = Math.floor(at / STEP_MS);
  const message = new DataView(new ArrayBuffer(8));
  message.setUint32(0, Math.floor(counter / 2 ** 32));
  message.setUint32(4, counter >>> 0);
  const mac = new DataView(await crypto.subtle.sign('HMAC', key, message.buffer));
  const offset = mac.getUint8(mac.byteLength - 1) & 0x0f;
  const value = (mac.getUint32(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

/** Seconds until the code changes. */
export function secondsLeft(at = Date.now()): number {
  return Math.ceil((STEP_MS - (at % STEP_MS)) / 1000);
}
