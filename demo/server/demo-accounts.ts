import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { newTotpSecret, verifyTotp } from './totp.js';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  length: number,
) => Promise<Buffer>;

/** Accepted demo names: what a person would type, nothing that needs escaping. */
const NAME = /^[\p{L}\p{N} ._'-]{1,40}$/u;

/** The shortest password the demo takes. */
export const MIN_PASSWORD_LENGTH = 8;

/** DEMO ONLY: one account, in memory. */
interface DemoAccount {
  id: string;
  name: string;
  salt: Buffer;
  passwordHash: Buffer;
  /** The authenticator's shared secret, once enrolment is confirmed. */
  totpSecret: string | null;
  /** A secret shown for enrolment, until a code from it confirms it. */
  pendingTotpSecret: string | null;
}

/** Why a sign-up was refused. */
export type SignUpRefusal = 'bad_name' | 'short_password' | 'name_taken';

/**
 * DEMO ONLY: accounts with a password (scrypt) and an authenticator (TOTP), in the server's memory.
 * A real app has its own user table; the library only needs `onMfaReset` to turn MFA off.
 */
export class DemoAccounts {
  private readonly byId = new Map<string, DemoAccount>();
  // Compared against when the name is unknown, so a miss costs what a wrong password costs.
  private readonly dummy = { salt: randomBytes(16), hash: Buffer.alloc(32) };

  /** The account id for a name: names are unique regardless of case. */
  static idFor(name: string): string {
    return `demo:${name.toLowerCase()}`;
  }

  /** A clean name, or `null` when it cannot be one. */
  static parseName(value: unknown): string | null {
    if (typeof value !== 'string') return null;
    const name = value.trim();
    return NAME.test(name) ? name : null;
  }

  async signUp(
    name: unknown,
    password: unknown,
  ): Promise<{ id: string; name: string } | SignUpRefusal> {
    const clean = DemoAccounts.parseName(name);
    if (!clean) return 'bad_name';
    if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
      return 'short_password';
    }
    const id = DemoAccounts.idFor(clean);
    if (this.byId.has(id)) return 'name_taken';
    const salt = randomBytes(16);
    const account: DemoAccount = {
      id,
      name: clean,
      salt,
      passwordHash: await scryptAsync(password, salt, 32),
      totpSecret: null,
      pendingTotpSecret: null,
    };
    // Two sign-ups of one name at once: the first to finish hashing wins.
    if (this.byId.has(id)) return 'name_taken';
    this.byId.set(id, account);
    return { id, name: clean };
  }

  /** The account whose name and password match, or `null`. */
  async checkPassword(
    name: unknown,
    password: unknown,
  ): Promise<{ id: string; name: string } | null> {
    const clean = DemoAccounts.parseName(name);
    const account = clean ? this.byId.get(DemoAccounts.idFor(clean)) : undefined;
    const typed = typeof password === 'string' ? password : '';
    const hash = await scryptAsync(typed, account?.salt ?? this.dummy.salt, 32);
    const matches = timingSafeEqual(hash, account?.passwordHash ?? this.dummy.hash);
    return account && matches ? { id: account.id, name: account.name } : null;
  }

  nameOf(id: string): string | null {
    return this.byId.get(id)?.name ?? null;
  }

  exists(id: string): boolean {
    return this.byId.has(id);
  }

  /** Whether the account has an authenticator, that is, whether sign-in asks for a second factor. */
  mfaEnabled(id: string): boolean {
    return Boolean(this.byId.get(id)?.totpSecret);
  }

  /** Starts enrolment: a new secret, active once a code from it is confirmed. */
  beginEnrolment(id: string): string {
    const account = this.require(id);
    account.pendingTotpSecret = newTotpSecret();
    return account.pendingTotpSecret;
  }

  /** Confirms enrolment with a code from the new secret. */
  confirmEnrolment(id: string, code: unknown): boolean {
    const account = this.require(id);
    const secret = account.pendingTotpSecret;
    if (!secret || typeof code !== 'string' || !verifyTotp(secret, code)) return false;
    account.totpSecret = secret;
    account.pendingTotpSecret = null;
    return true;
  }

  /** Checks a code from the enrolled authenticator. */
  verifySecondFactor(id: string, code: unknown): boolean {
    const secret = this.byId.get(id)?.totpSecret;
    return Boolean(secret && typeof code === 'string' && verifyTotp(secret, code));
  }

  /** `onMfaReset`: forgets the authenticator, so the next sign-in asks only for the password. */
  disableMfa(id: string): void {
    const account = this.byId.get(id);
    if (account) {
      account.totpSecret = null;
      account.pendingTotpSecret = null;
    }
  }

  private require(id: string): DemoAccount {
    const account = this.byId.get(id);
    if (!account) throw new Error(`no demo account ${id}`);
    return account;
  }
}
