import { MfaConfigurationError } from '../mfa.exceptions.js';
import type { Argon2Backend } from './argon2.backend.js';
import { Argon2PackageBackend } from './argon2-package.backend.js';
import { builtInArgon2, NodeCryptoArgon2Backend } from './node-crypto-argon2.backend.js';

/** @internal What `loadArgon2Backend()` may use; tests replace either half. */
export interface Argon2BackendSources {
  /** Node's `crypto.argon2`, when this Node has it. */
  builtIn?: ReturnType<typeof builtInArgon2>;
  /** Imports the `argon2` package. */
  loadPackage?: () => Promise<Argon2Backend>;
}

/**
 * @internal Node's built-in `crypto.argon2` where it exists (Node 24.7+), else the optional `argon2`
 * package. Where neither works it fails with a message that names the fix.
 */
export async function loadArgon2Backend(
  sources: Argon2BackendSources = {},
): Promise<Argon2Backend> {
  const builtIn = 'builtIn' in sources ? sources.builtIn : builtInArgon2();
  if (builtIn) return new NodeCryptoArgon2Backend(builtIn);
  try {
    return await (sources.loadPackage ?? Argon2PackageBackend.load)();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const missing =
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      /['"]argon2['"]/.test(String((error as Error).message));
    throw new MfaConfigurationError(
      missing
        ? `No argon2 implementation: Node ${process.version} has no built-in crypto.argon2 (Node 24.7 or later has), and the optional dependency \`argon2\` is not installed. Install it (\`npm install argon2\`), or run on Node 24.7 or later.`
        : `No argon2 implementation: Node ${process.version} has no built-in crypto.argon2 (Node 24.7 or later has), and the \`argon2\` package failed to load (${describe(error)}). Reinstall it with its install script (\`npm rebuild argon2\`), or run on Node 24.7 or later.`,
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
