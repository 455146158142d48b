// Sample statistics and the interleaved runner every comparison goes through.

/** Summary of timings in ms: median and p95 (nearest rank), plus min, mean and count. */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { n: 0, median: NaN, p95: NaN, min: NaN, mean: NaN };
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return {
    n,
    median,
    p95: sorted[Math.min(n - 1, Math.ceil(0.95 * n) - 1)],
    min: sorted[0],
    mean: sorted.reduce((a, b) => a + b, 0) / n,
  };
}

/** Ratios of one summary to a baseline summary, on the median and on the p95. */
export function ratios(summary, baseline) {
  return { median: summary.median / baseline.median, p95: summary.p95 / baseline.p95 };
}

/**
 * Runs each variant once per round, rotating the order every round, so drift and CPU contention
 * from elsewhere hit every variant alike (A B C, B C A, C A B, …). A variant with its own `rounds`
 * joins only the first that many rounds. Warm-up rounds are run and thrown away.
 * @param {{ name: string, run: (round: number) => Promise<unknown>, rounds?: number }[]} variants
 * @returns {Promise<Record<string, number[]>>} samples in ms per variant name
 */
export async function interleave(variants, { rounds, warmup = 2, deadline = Infinity }) {
  const samples = Object.fromEntries(variants.map((v) => [v.name, []]));
  const total = warmup + Math.max(rounds, ...variants.map((v) => v.rounds ?? 0));
  for (let r = 0; r < total; r++) {
    const measured = r >= warmup;
    const index = r - warmup;
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(k + r) % variants.length];
      if (measured && index >= (variant.rounds ?? rounds)) continue;
      const started = performance.now();
      await variant.run(r);
      const elapsed = performance.now() - started;
      if (measured) samples[variant.name].push(elapsed);
    }
    // A bound in time as well as in count: stop early rather than overrun the budget.
    if (measured && index >= 4 && performance.now() > deadline) break;
  }
  return samples;
}

/** Awaits a promise that is expected to reject, and returns whether it did. */
export async function rejects(promise) {
  try {
    await promise;
    return false;
  } catch {
    return true;
  }
}
