// Run by bench/suites/backends.mjs with a Node that has crypto.argon2 (24.7+): times the library's
// built-in backend (dist/, through Node's crypto.argon2) against the argon2 addon, interleaved.
// argv[2]: JSON { hashing, rounds }. Prints JSON { node, samples: { name: ms[] } }.
import { createRequire } from 'node:module';
import { interleave } from './stats.mjs';

const { hashing, rounds } = JSON.parse(process.argv[2]);
const require = createRequire(import.meta.url);
const argon2 = require('argon2');
const { NodeCryptoArgon2Backend } = await import(
  new URL('../../dist/codes/node-crypto-argon2.backend.js', import.meta.url).href
);
const builtIn = new NodeCryptoArgon2Backend();
const code = 'a1b2c3d4e5f67890abcd';
const digest = await argon2.hash(code, { type: argon2.argon2id, ...hashing });
const check = (ok) => {
  if (!ok) throw new Error('verification failed');
};
const samples = await interleave(
  [
    { name: 'builtInHash', run: () => builtIn.hash(code, hashing) },
    { name: 'addonHash', run: () => argon2.hash(code, { type: argon2.argon2id, ...hashing }) },
    { name: 'builtInVerify', run: async () => check(await builtIn.verify(digest, code)) },
    { name: 'addonVerify', run: async () => check(await argon2.verify(digest, code)) },
  ],
  { rounds, warmup: 2 },
);
process.stdout.write(JSON.stringify({ node: process.version, samples }));
