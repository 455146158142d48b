// 2. A successful redemption and a resetMfa() cost one verification plus store bookkeeping.
import argon2 from 'argon2';
import { canonical, createMfa, randomHexCode } from '../lib/mfa-context.mjs';
import { interleave, ratios, summarize } from '../lib/stats.mjs';

const CODES_PER_USER = 100;

export async function runRedeemSuite({ hashing, rounds, deadline }) {
  const { mfa, close } = await createMfa({
    hashing,
    maxActiveCodes: CODES_PER_USER,
    maxAttempts: Number.MAX_SAFE_INTEGER,
    maxConsecutiveFailures: Number.MAX_SAFE_INTEGER,
    onMfaReset: () => undefined,
  });
  try {
    const warmup = 2;
    const needed = rounds + warmup;
    // Fresh codes, generated before anything is timed: a success consumes its code.
    const pool = async (prefix) => {
      const codes = [];
      for (let u = 0; codes.length < needed; u++) {
        const userId = `${prefix}-${u}`;
        const batch = await mfa.generateRecoveryCodes(userId, CODES_PER_USER);
        codes.push(...batch.codes.map((code) => ({ userId, code })));
      }
      return codes.slice(0, needed);
    };
    const redeemCodes = await pool('redeem');
    const resetCodes = await pool('reset');
    const rawCode = canonical(randomHexCode());
    const rawDigest = await argon2.hash(rawCode, { type: argon2.argon2id, ...hashing });

    const samples = await interleave(
      [
        {
          name: 'raw',
          run: async () => {
            if (!(await argon2.verify(rawDigest, rawCode))) throw new Error('raw verify failed');
          },
        },
        {
          name: 'redeem',
          run: (r) => mfa.redeemRecoveryCode(redeemCodes[r].userId, redeemCodes[r].code),
        },
        { name: 'reset', run: (r) => mfa.resetMfa(resetCodes[r].userId, resetCodes[r].code) },
      ],
      { rounds, warmup, deadline },
    );
    const raw = summarize(samples.raw);
    const rows = [
      ['redeem', 'redeemRecoveryCode(), correct code'],
      ['reset', 'resetMfa(), correct code'],
    ].map(([kind, label]) => {
      const summary = summarize(samples[kind]);
      return { kind, label, ...summary, ratio: ratios(summary, raw) };
    });
    return { raw, rows };
  } finally {
    await close();
  }
}
