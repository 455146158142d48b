import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Argon2PackageBackend } from '../src/codes/argon2-package.backend.js';
import type { Argon2Backend, Argon2HashOptions } from '../src/codes/argon2.backend.js';
import { builtInArgon2, NodeCryptoArgon2Backend } from '../src/codes/node-crypto-argon2.backend.js';

const PARAMS = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const PEPPER = randomBytes(32);
const OTHER_PEPPER = randomBytes(32);
const SALT = randomBytes(16);
const CODE = 'a1b2c3d4e5f67890abcd';
const WRONG = 'a1b2c3d4e5f67890abce';

/** What one implementation checks and makes, so the other can be held against it. */
interface Half {
  node: string;
  /** verify() of each `checks` entry, in order. */
  verified: boolean[];
  /** hash() of each `makes` entry, in order. */
  digests: string[];
}

interface Check {
  digest: string;
  password: string;
  secret?: Buffer;
}

/** Digests both halves make: with and without the pepper, with a fixed salt and a fresh one. */
const MAKES: (Argon2HashOptions & { password: string })[] = [
  { password: CODE, ...PARAMS },
  { password: CODE, ...PARAMS, secret: PEPPER },
  { password: CODE, ...PARAMS, salt: SALT },
  { password: CODE, ...PARAMS, salt: SALT, secret: PEPPER },
];

/** For digests [plain, peppered, …] of CODE: what each check must answer. */
function checksOf(digests: string[]): { checks: Check[]; expected: boolean[] } {
  const [plain, peppered] = digests as [string, string];
  const rows: [Check, boolean][] = [
    [{ digest: plain, password: CODE }, true],
    [{ digest: plain, password: WRONG }, false],
    [{ digest: plain, password: CODE, secret: PEPPER }, false],
    [{ digest: peppered, password: CODE, secret: PEPPER }, true],
    [{ digest: peppered, password: CODE }, false],
    [{ digest: peppered, password: CODE, secret: OTHER_PEPPER }, false],
    [{ digest: peppered, password: WRONG, secret: PEPPER }, false],
    ...digests
      .slice(2)
      .map((digest, i): [Check, boolean] => [
        { digest, password: CODE, ...(i === 1 ? { secret: PEPPER } : {}) },
        true,
      ]),
  ];
  return { checks: rows.map(([check]) => check), expected: rows.map(([, ok]) => ok) };
}

async function inProcess(backend: Argon2Backend, checks: Check[]): Promise<Half> {
  const verified: boolean[] = [];
  for (const { digest, password, secret } of checks) {
    verified.push(await backend.verify(digest, password, { secret }));
  }
  const digests: string[] = [];
  for (const { password, ...options } of MAKES) digests.push(await backend.hash(password, options));
  return { node: process.version, verified, digests };
}

/** The built-in half in a Node >= 24.7 child, loading the backend's source by type stripping. */
function inChild(bin: string, checks: Check[]): Half {
  const hex = (b?: Buffer) => b?.toString('hex');
  const input = {
    verify: checks.map((c) => ({ ...c, secret: hex(c.secret) })),
    hash: MAKES.map(({ password, secret, salt, ...params }) => ({
      password,
      secret: hex(secret),
      salt: hex(salt),
      params,
    })),
  };
  const script = fileURLToPath(new URL('./argon2-backends/built-in-half.mjs', import.meta.url));
  const out = execFileSync(bin, ['--no-warnings', script, JSON.stringify(input)], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(out) as Half;
}

/** A Node with crypto.argon2: this one, or the newest 24.x fetched (and cached) for the test. */
function builtInNode(): { bin: string } | { skipped: string } {
  const helper = fileURLToPath(new URL('./utils/node-line.mjs', import.meta.url));
  const out = execFileSync(process.execPath, [helper, '24'], { encoding: 'utf8' });
  return JSON.parse(out) as { bin: string } | { skipped: string };
}

describe('argon2 backends: Node crypto.argon2 and the argon2 package', () => {
  it('verify each other’s digests both ways, with and without a secret, and write identical PHC strings', async () => {
    const pkg = await Argon2PackageBackend.load();
    const builtIn = builtInArgon2();
    let nodeHalf: (checks: Check[]) => Promise<Half>;
    if (builtIn) {
      const backend = new NodeCryptoArgon2Backend(builtIn);
      nodeHalf = (checks) => inProcess(backend, checks);
    } else {
      const node = builtInNode();
      if ('skipped' in node) {
        // Only a developer machine may skip: CI must prove it.
        expect(process.env.CI ?? '').toBe('');
        console.warn(`SKIPPED the built-in argon2 half: ${node.skipped}`);
        return;
      }
      nodeHalf = async (checks) => inChild(node.bin, checks);
    }

    // The package's digests, checked by the built-in implementation.
    const fromPackage = await inProcess(pkg, []);
    const byNode = checksOf(fromPackage.digests);
    const nodeResult = await nodeHalf(byNode.checks);
    expect(Number.parseInt(nodeResult.node.slice(1), 10)).toBeGreaterThanOrEqual(24);
    expect(nodeResult.verified).toEqual(byNode.expected);

    // The built-in implementation's digests, checked by the package.
    const byPackage = checksOf(nodeResult.digests);
    expect((await inProcess(pkg, byPackage.checks)).verified).toEqual(byPackage.expected);

    // Same salt, same inputs: byte-identical PHC strings.
    for (const digest of [...nodeResult.digests, ...fromPackage.digests]) {
      expect(digest).toMatch(
        /^\$argon2id\$v=19\$m=1024,p=1,t=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
      );
    }
    expect(nodeResult.digests.slice(2)).toEqual(fromPackage.digests.slice(2));
    expect(nodeResult.digests[0]).not.toBe(fromPackage.digests[0]);
  }, 180_000);
});
