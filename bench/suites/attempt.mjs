// 1. A failed attempt costs one argon2 verification however many codes the user holds.
import argon2 from 'argon2';
import { canonical, createMfa, randomHexCode, RecordingStore } from '../lib/mfa-context.mjs';
import { interleave, ratios, rejects, summarize } from '../lib/stats.mjs';

export const ATTEMPT_SIZES = [1, 10, 100];

/** The design we avoid, written only here: verify the guess against every stored digest. */
async function naiveAttempt(digests, guess) {
  for (const digest of digests) {
    if (await argon2.verify(digest, guess)) return true;
  }
  return false;
}

export async function runAttemptSuite({ hashing, rounds, naiveRounds, deadline }) {
  const store = new RecordingStore();
  const { mfa, close } = await createMfa({
    store,
    hashing,
    maxActiveCodes: 100,
    // Lockout off for the run: every attempt reaches the hash.
    maxAttempts: Number.MAX_SAFE_INTEGER,
    maxConsecutiveFailures: Number.MAX_SAFE_INTEGER,
  });
  try {
    const users = {};
    for (const size of ATTEMPT_SIZES) {
      const userId = `attempt-${size}`;
      const { codes } = await mfa.generateRecoveryCodes(userId, size);
      users[size] = { userId, codes, digests: store.digests.get(userId) };
    }
    const rawDigest = await argon2.hash(canonical(randomHexCode()), {
      type: argon2.argon2id,
      ...hashing,
    });
    const guess = () => randomHexCode();
    // A guess whose lookup part belongs to a stored code: the record is found, the secret is wrong.
    const nearMiss = (size, round) => randomHexCode(users[size].codes[round % size].slice(0, 8));

    const expectFailure = async (promise) => {
      if (!(await rejects(promise))) throw new Error('a wrong guess was accepted');
    };

    const libraryVariants = [
      { name: 'raw', run: () => argon2.verify(rawDigest, canonical(guess())) },
      ...ATTEMPT_SIZES.map((size) => ({
        name: `miss-${size}`,
        run: () => expectFailure(mfa.redeemRecoveryCode(users[size].userId, guess())),
      })),
      ...ATTEMPT_SIZES.map((size) => ({
        name: `near-${size}`,
        run: (round) =>
          expectFailure(mfa.redeemRecoveryCode(users[size].userId, nearMiss(size, round))),
      })),
    ];
    const lib = await interleave(libraryVariants, { rounds, deadline: deadline.library });

    const naiveVariants = [
      { name: 'raw', run: () => argon2.verify(rawDigest, canonical(guess())) },
      ...ATTEMPT_SIZES.map((size) => ({
        name: `naive-${size}`,
        rounds: size >= 100 ? naiveRounds.large : naiveRounds.small,
        run: () => naiveAttempt(users[size].digests, canonical(guess())),
      })),
    ];
    const naive = await interleave(naiveVariants, {
      rounds: naiveRounds.small,
      warmup: 1,
      deadline: deadline.naive,
    });

    const libRaw = summarize(lib.raw);
    const naiveRaw = summarize(naive.raw);
    const rows = [];
    for (const size of ATTEMPT_SIZES) {
      for (const [kind, label, samples, raw] of [
        ['miss', 'unknown lookup part', lib[`miss-${size}`], libRaw],
        ['near', 'known lookup part, wrong secret', lib[`near-${size}`], libRaw],
        ['naive', 'naive scan of every digest', naive[`naive-${size}`], naiveRaw],
      ]) {
        const summary = summarize(samples);
        rows.push({ kind, label, storedCodes: size, ...summary, ratio: ratios(summary, raw) });
      }
    }
    return { rawLibraryPhase: libRaw, rawNaivePhase: naiveRaw, rows };
  } finally {
    await close();
  }
}
