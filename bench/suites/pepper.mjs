// 6. With a pepper and two previous keys, an attempt still costs one argon2 verification: the
// lookup under each key is a store read, and only the key that found the record verifies.
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { canonical, createMfa, randomHexCode } from '../lib/mfa-context.mjs';
import { interleave, ratios, rejects, summarize } from '../lib/stats.mjs';

/** Three keys, oldest first: codes exist under each. */
const KEYS = [randomBytes(32), randomBytes(32), randomBytes(32)];

/**
 * Counts argon2 verifications by wrapping the function on the module object the library calls it
 * through (the same `argon2` package, loaded once), so the count is exact, not inferred from time.
 */
function countVerifications() {
  const original = argon2.verify;
  let count = 0;
  argon2.verify = (...args) => {
    count++;
    return original(...args);
  };
  return {
    take: () => {
      const n = count;
      count = 0;
      return n;
    },
    restore: () => {
      argon2.verify = original;
    },
  };
}

export async function runPepperSuite({ hashing, rounds, deadline }) {
  const common = {
    hashing,
    maxActiveCodes: 100,
    maxAttempts: Number.MAX_SAFE_INTEGER,
    maxConsecutiveFailures: Number.MAX_SAFE_INTEGER,
  };
  const warmup = 2;
  const needed = rounds + warmup;
  // One app per key generation, sharing one store: codes issued under the oldest key, as before a
  // rotation; then the app of today, with the newest key current and the two older ones previous.
  const { InMemoryRecoveryCodeStore } = await import('@nest-auth/mfa');
  const store = new InMemoryRecoveryCodeStore();
  const before = await createMfa({ ...common, store, pepper: KEYS[0] });
  const oldCodes = [];
  for (let u = 0; oldCodes.length < needed; u++) {
    const userId = `pepper-${u}`;
    const { codes } = await before.mfa.generateRecoveryCodes(userId, 100);
    oldCodes.push(...codes.map((code) => ({ userId, code })));
  }
  await before.close();
  const { mfa, close } = await createMfa({
    ...common,
    store,
    pepper: { current: KEYS[2], previous: [KEYS[1], KEYS[0]] },
  });

  const rawCode = canonical(randomHexCode());
  const rawDigest = await argon2.hash(rawCode, { type: argon2.argon2id, ...hashing });
  const counter = countVerifications();
  const verifications = { miss: [], near: [], hit: [] };
  const counted = (name, run) => async (round) => {
    counter.take();
    await run(round);
    verifications[name].push(counter.take());
  };
  const expectFailure = async (promise) => {
    if (!(await rejects(promise))) throw new Error('a wrong guess was accepted');
  };
  try {
    const samples = await interleave(
      [
        { name: 'raw', run: () => argon2.verify(rawDigest, rawCode).then(() => counter.take()) },
        {
          name: 'miss',
          run: counted('miss', () =>
            expectFailure(mfa.redeemRecoveryCode('pepper-0', randomHexCode())),
          ),
        },
        {
          // The lookup part of a code issued under the oldest key, with a wrong secret part.
          name: 'near',
          run: counted('near', (r) => {
            const { userId, code } = oldCodes[r];
            return expectFailure(mfa.redeemRecoveryCode(userId, randomHexCode(code.slice(0, 8))));
          }),
        },
        {
          name: 'hit',
          run: counted('hit', (r) => {
            const { userId, code } = oldCodes[r];
            return mfa.redeemRecoveryCode(userId, code);
          }),
        },
      ],
      { rounds, warmup, deadline },
    );
    const raw = summarize(samples.raw);
    const rows = [
      ['miss', 'unknown lookup part'],
      ['near', 'lookup part under the oldest key, wrong secret'],
      ['hit', 'correct code issued under the oldest key'],
    ].map(([kind, label]) => {
      const summary = summarize(samples[kind]);
      return {
        kind,
        label,
        ...summary,
        ratio: ratios(summary, raw),
        // Every attempt of the run, warm-up included: the fewest and the most verifications.
        verifications: {
          attempts: verifications[kind].length,
          min: Math.min(...verifications[kind]),
          max: Math.max(...verifications[kind]),
        },
      };
    });
    return { keys: KEYS.length, raw, rows };
  } finally {
    counter.restore();
    await close();
  }
}
