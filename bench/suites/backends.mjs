// 7. The two argon2 backends, side by side: Node's built-in crypto.argon2 (what the library uses on
// Node 24.7+) and the argon2 addon, interleaved in one process of a Node that has both. On an older
// Node the bench runs that half in the newest Node 24, fetched and cached by test/utils/node-line.mjs.
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ratios, summarize } from '../lib/stats.mjs';

const CHILD = fileURLToPath(new URL('../lib/argon2-backends-child.mjs', import.meta.url));
const NODE_LINE = fileURLToPath(new URL('../../test/utils/node-line.mjs', import.meta.url));

export async function runBackendsSuite({ hashing, rounds }) {
  let bin = process.execPath;
  if (typeof crypto.argon2 !== 'function') {
    const found = JSON.parse(
      execFileSync(process.execPath, [NODE_LINE, '24'], { encoding: 'utf8' }),
    );
    if (!found.bin) return { skipped: found.skipped };
    bin = found.bin;
  }
  const out = execFileSync(bin, [CHILD, JSON.stringify({ hashing, rounds })], {
    encoding: 'utf8',
    // The child's own environment: PREBUILDS_ONLY makes node-gyp-build load argon2's prebuilt addon.
    env: { ...process.env, PREBUILDS_ONLY: '1' },
    timeout: 300_000,
  });
  const { node, samples } = JSON.parse(out);
  const s = Object.fromEntries(Object.entries(samples).map(([name, v]) => [name, summarize(v)]));
  return {
    node,
    hash: { builtIn: s.builtInHash, addon: s.addonHash, ratio: ratios(s.builtInHash, s.addonHash) },
    verify: {
      builtIn: s.builtInVerify,
      addon: s.addonVerify,
      ratio: ratios(s.builtInVerify, s.addonVerify),
    },
  };
}
