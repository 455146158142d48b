/**
 * @internal What both argon2 implementations offer the hasher. Digests are PHC strings
 * (`$argon2id$v=19$m=…,p=…,t=…$salt$hash`, unpadded base64) laid out exactly as the `argon2`
 * package writes them, so a digest made by one implementation verifies with the other.
 */
export interface Argon2Backend {
  /** `'node:crypto'` for Node's built-in `crypto.argon2`, `'argon2'` for the npm package. */
  readonly name: Argon2BackendName;
  /** argon2id digest of `password` as a PHC string, with a fresh 16-byte salt unless given one. */
  hash(password: string, options: Argon2HashOptions): Promise<string>;
  /**
   * Whether `password` matches `digest`. Resolves `false` for a malformed digest; rejects only when
   * the implementation itself fails.
   */
  verify(digest: string, password: string, options?: Argon2VerifyOptions): Promise<boolean>;
}

/** @internal Names of the two implementations. */
export type Argon2BackendName = 'node:crypto' | 'argon2';

/** @internal argon2id cost parameters, and the optional key (pepper) and salt. */
export interface Argon2HashOptions {
  /** Memory in KiB. */
  memoryCost: number;
  /** Passes over memory. */
  timeCost: number;
  /** Lanes. */
  parallelism: number;
  /** argon2's `secret` input (a pepper): the same bytes must be given to verify. Default: none. */
  secret?: Buffer;
  /** Salt; only tests pass one, to compare the two implementations byte for byte. Default: 16 random bytes. */
  salt?: Buffer;
}

/** @internal What verification needs besides the digest. */
export interface Argon2VerifyOptions {
  /** The `secret` the digest was made with. Default: none. */
  secret?: Buffer;
}
