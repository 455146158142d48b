import type { Argon2Backend, Argon2HashOptions, Argon2VerifyOptions } from './argon2.backend.js';

/**
 * @internal The functions of the `argon2` package the backend calls, spelled out so that no
 * published type refers to a package that may not be installed.
 */
interface Argon2Module {
  argon2id: number;
  hash(
    password: string,
    options: {
      type: number;
      memoryCost: number;
      timeCost: number;
      parallelism: number;
      secret?: Buffer;
      salt?: Buffer;
    },
  ): Promise<string>;
  verify(digest: string, password: string, options: { secret?: Buffer }): Promise<boolean>;
}

/**
 * @internal argon2 through the `argon2` npm package, a native addon: the implementation for Node
 * versions without `crypto.argon2`. Loaded only when needed, so an install that lacks it (it is an
 * optional dependency) still works on Node 24.7+.
 */
export class Argon2PackageBackend implements Argon2Backend {
  readonly name = 'argon2' as const;

  constructor(private readonly argon2: Argon2Module) {}

  /** Imports the package; rejects as `import()` does when it is missing or its addon fails. */
  static async load(): Promise<Argon2PackageBackend> {
    const loaded = (await import('argon2')) as unknown as Argon2Module & { default?: Argon2Module };
    return new Argon2PackageBackend(loaded.default ?? loaded);
  }

  hash(password: string, options: Argon2HashOptions): Promise<string> {
    return this.argon2.hash(password, {
      type: this.argon2.argon2id,
      memoryCost: options.memoryCost,
      timeCost: options.timeCost,
      parallelism: options.parallelism,
      ...(options.secret ? { secret: options.secret } : {}),
      ...(options.salt ? { salt: options.salt } : {}),
    });
  }

  async verify(digest: string, password: string, options?: Argon2VerifyOptions): Promise<boolean> {
    try {
      return await this.argon2.verify(
        digest,
        password,
        options?.secret ? { secret: options.secret } : {},
      );
    } catch {
      // The package throws on digests it cannot parse: a mismatch, as for the built-in backend.
      return false;
    }
  }
}
