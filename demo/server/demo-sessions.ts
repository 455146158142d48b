import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NestAuthRequest } from '../../src/index.js';
import type { DemoAccounts } from './demo-accounts.js';

/** DEMO ONLY: the name of the session cookie. */
export const DEMO_SESSION_COOKIE = 'demo_session';

/**
 * The signed-in user as `authenticate` returns it. `mfaPending` and `authenticatedAt` are what
 * `@Auth()` reads to tell a password-only session from a full one.
 */
export interface DemoUser {
  [key: string]: unknown;
  id: string;
  name: string;
  /** Passed the password, still owes the second factor. Never true without an authenticator. */
  mfaPending: boolean;
  /** When the user last proved who they are (a password, a TOTP code or a recovery code). */
  authenticatedAt: number;
}

interface SessionPayload {
  /** Account id. */
  i: string;
  /** Second factor still owed. */
  p: boolean;
  /** authenticatedAt, epoch ms. */
  t: number;
}

/**
 * DEMO ONLY: sessions in a signed cookie. It holds the account id, whether the second factor is
 * still owed, and when the user last proved who they are, with an HMAC under a key made at
 * startup: it cannot be forged, and every session ends when the server stops. A real app keeps
 * its own sessions (express-session, JWTs) and returns the same fields from `authenticate`.
 */
export class DemoSessions {
  private readonly key = randomBytes(32);

  constructor(private readonly accounts: DemoAccounts) {}

  /** The `Set-Cookie` value of a session after the password: pending if the account has MFA. */
  afterPassword(id: string): string {
    return this.cookie({ i: id, p: this.accounts.mfaEnabled(id), t: Date.now() });
  }

  /** The `Set-Cookie` value of a full session: the second factor (or a recovery code) is done. */
  signedIn(id: string): string {
    return this.cookie({ i: id, p: false, t: Date.now() });
  }

  /** The `Set-Cookie` value that signs out. */
  signOut(): string {
    return `${DEMO_SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
  }

  /** The session's user, for `MfaModule.forRoot({ authenticate })`; `null` when signed out. */
  userFor(request: NestAuthRequest): DemoUser | null {
    const payload = this.read(request);
    const name = payload ? this.accounts.nameOf(payload.i) : null;
    if (!payload || !name) return null;
    return {
      id: payload.i,
      name,
      // A user without an authenticator owes no second factor, so first enrolment works, and a
      // reset (which removes the authenticator) leaves a password-only session that must enrol.
      mfaPending: payload.p && this.accounts.mfaEnabled(payload.i),
      authenticatedAt: payload.t,
    };
  }

  private cookie(payload: SessionPayload): string {
    const value = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${DEMO_SESSION_COOKIE}=${value}.${this.sign(value)}; Path=/; HttpOnly; SameSite=Strict`;
  }

  private read(request: NestAuthRequest): SessionPayload | null {
    const [value, signature] =
      readCookie(request.headers.cookie, DEMO_SESSION_COOKIE)?.split('.') ?? [];
    if (!value || !signature) return null;
    const expected = Buffer.from(this.sign(value));
    const actual = Buffer.from(signature);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
    const payload = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as SessionPayload;
    return typeof payload.i === 'string' &&
      typeof payload.p === 'boolean' &&
      typeof payload.t === 'number'
      ? payload
      : null;
  }

  private sign(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('base64url');
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
