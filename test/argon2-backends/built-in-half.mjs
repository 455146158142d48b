// The built-in half of the cross-backend test, run by a Node that has crypto.argon2 (24.7+). It
// loads the library's own backend source through Node's type stripping, so no build is involved.
// Input (argv[2], JSON): { verify: [{ digest, password, secret? }], hash: [{ password, secret?, salt?, params }] }
// Output (stdout, JSON): { node, verified: boolean[], digests: string[] }. Buffers travel as hex.
import { NodeCryptoArgon2Backend } from '../../src/codes/node-crypto-argon2.backend.ts';

const input = JSON.parse(process.argv[2]);
const buf = (hex) => (hex === undefined ? undefined : Buffer.from(hex, 'hex'));
const backend = new NodeCryptoArgon2Backend();
const verified = [];
for (const { digest, password, secret } of input.verify) {
  verified.push(await backend.verify(digest, password, { secret: buf(secret) }));
}
const digests = [];
for (const { password, secret, salt, params } of input.hash) {
  digests.push(await backend.hash(password, { ...params, secret: buf(secret), salt: buf(salt) }));
}
process.stdout.write(JSON.stringify({ node: process.version, verified, digests }));
