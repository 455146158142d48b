import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NestAuthRequest, NestAuthUser } from '../../src/index.js';

/** DEMO ONLY: the name of the cookie that says who is signed in. */
export const DEMO_SESSION_COOKIE = 'demo_session';

/** Accepted demo names: what a person would type, nothing that needs escaping. */
const DEMO_NAME = /^[\p{L}\p{N} ._'-]{1,40}$/u;

/**
 * DEMO ONLY, not authentication: anyone may sign in as any name, without a password. The cookie
 * holds the name and an HMAC with a key made at startup, so it cannot be forged, and every
 * session ends when the server stops. A real app plugs its own sessions into `authenticate`.
 */
export class DemoSessions {
  private readonly key = randomBytes(32);

  /** A clean demo name, or `null` when it cannot be one. */
  static parseName(value: unknown): string | null {
    if (typeof value !== 'string') return null;
    const name = value.trim();
    return DEMO_NAME.test(name) ? name : null;
  }

  /** The `Set-Cookie` value that signs `name` in. */
  signIn(name: string): string {
    const payload = Buffer.from(name, 'utf8').toString('base64url');
    return `${DEMO_SESSION_COOKIE}=${payload}.${this.sign(payload)}; Path=/; HttpOnly; SameSite=Strict`;
  }

  /** The `Set-Cookie` value that signs out. */
  signOut(): string {
    return `${DEMO_SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
  }

  /** The signed-in demo user, for `MfaModule.forRoot({ authenticate })`. */
  userFor(request: NestAuthRequest): NestAuthUser | null {
    const cookie = readCookie(request.headers.cookie, DEMO_SESSION_COOKIE);
    const [payload, signature] = cookie?.split('.') ?? [];
    if (!payload || !signature) return null;
    const expected = Buffer.from(this.sign(payload));
    const actual = Buffer.from(signature);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
    const name = DemoSessions.parseName(Buffer.from(payload, 'base64url').toString('utf8'));
    return name ? { id: `demo:${name.toLowerCase()}`, name } : null;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

function readCookie(header: string | string[] | undefined, name: string): string | undefined {
  const all = Array.isArray(header) ? header.join('; ') : (header ?? '');
  for (const part of all.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
