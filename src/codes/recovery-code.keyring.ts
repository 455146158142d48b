import { inspect } from 'node:util';
import { deriveLookupKey } from './recovery-code.format.js';

/**
 * @internal The pepper keys, the current one first, then the previous ones in the order given.
 * The keys sit in a private field with no way to read them back as text: the resolved options can
 * be logged, inspected or serialised without showing them.
 */
export class RecoveryCodeKeyring {
  readonly #keys: readonly Buffer[];

  /** Takes copies, so a caller that reuses its buffers cannot change the keys later. */
  constructor(keys: readonly Buffer[]) {
    if (keys.length === 0) throw new RangeError('a keyring needs at least one key');
    this.#keys = keys.map((key) => Buffer.from(key));
  }

  /** How many keys: 1 + the previous ones. */
  get size(): number {
    return this.#keys.length;
  }

  /** The lookup key of `lookup` under key `index` (0 is the current key). */
  lookupKey(index: number, userId: string, lookup: string): string {
    return deriveLookupKey(userId, lookup, this.key(index));
  }

  /** argon2's `secret` for codes issued under key `index`. */
  secret(index: number): Buffer {
    return this.key(index);
  }

  toJSON(): string {
    return '[pepper]';
  }

  [inspect.custom](): string {
    return `RecoveryCodeKeyring(${this.#keys.length} keys)`;
  }

  private key(index: number): Buffer {
    const key = this.#keys[index];
    if (!key) throw new RangeError(`no pepper key at index ${index}`);
    return key;
  }
}
