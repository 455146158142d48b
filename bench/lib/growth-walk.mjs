// The growth comparison: the same walk of store calls against a small and a large data set,
// interleaved round by round. Shared by the growth suite and its in-memory child process.
import { createHash } from 'node:crypto';
import { summarize } from './stats.mjs';

export const CODES_PER_USER = 10;

export const GROWTH_OPERATIONS = [
  'findActive',
  'consume',
  'restore',
  'status',
  'reserveAttempt',
  'resetAttempts',
  'replaceAll',
  'append',
  'revokeAll',
];

const POLICY = { maxAttempts: 1_000_000, windowMs: 900_000, maxConsecutiveFailures: 1_000_000 };

/** Preloaded user number `u` (0-based). */
export const userId = (u) => `g-${u}`;

/**
 * Lookup key of code `i` of preloaded user `u`: SHA-256 in base64, as PostgreSQL's
 * `encode(sha256(convert_to(u || '-' || i, 'UTF8')), 'base64')` computes it for the bulk load.
 */
export const lookupKey = (u, i) => createHash('sha256').update(`${u}-${i}`).digest('base64');

/** The preloaded codes of user `u`. */
export const userRecords = (u, digest) =>
  Array.from({ length: CODES_PER_USER }, (_, i) => ({ lookupKey: lookupKey(u, i), digest }));

/**
 * One round on one data set. Reads and counters go to a random preloaded user, whose data is
 * as cold as a real user's (findActive, consume and restore leave it as it was); writes go to a
 * fresh user that revokeAll removes again, so the data set keeps its size.
 */
async function walk(store, { users, digest, fresh }) {
  const times = {};
  const time = async (op, call) => {
    const started = performance.now();
    const result = await call();
    times[op] = performance.now() - started;
    return result;
  };
  const u = Math.floor(Math.random() * users);
  const user = userId(u);
  const found = await time('findActive', () =>
    store.findActive(user, lookupKey(u, Math.floor(Math.random() * CODES_PER_USER))),
  );
  if (!found) throw new Error(`findActive missed a preloaded code of ${user}`);
  const consumed = await time('consume', () => store.consume(user, found.id));
  if (consumed?.remaining !== CODES_PER_USER - 1) throw new Error('consume did not count down');
  if (!(await time('restore', () => store.restore(user, found.id)))) {
    throw new Error('restore failed');
  }
  await time('status', () => store.status(user));
  await time('reserveAttempt', () => store.reserveAttempt(user, POLICY));
  await time('resetAttempts', () => store.resetAttempts(user));
  const records = userRecords(`${fresh}`, digest);
  await time('replaceAll', () => store.replaceAll(fresh, records));
  await time('append', () =>
    store.append(fresh, { lookupKey: lookupKey(fresh, 'extra'), digest }, CODES_PER_USER),
  );
  await time('revokeAll', () => store.revokeAll(fresh));
  return times;
}

/**
 * Interleaves walks on the small and the large data set (small, large; large, small; …) for
 * `rounds` rounds after two warm-up rounds, and returns per-operation summaries of both and the
 * ratio of the medians (large / small).
 */
export async function compareGrowth({ small, large, rounds, digest, deadline = Infinity }) {
  const sets = { small, large };
  const samples = { small: {}, large: {} };
  for (const name of Object.keys(sets)) {
    for (const op of GROWTH_OPERATIONS) samples[name][op] = [];
  }
  const warmup = 2;
  for (let r = 0; r < rounds + warmup; r++) {
    const order = r % 2 === 0 ? ['small', 'large'] : ['large', 'small'];
    for (const name of order) {
      const times = await walk(sets[name].store, {
        users: sets[name].users,
        digest,
        fresh: `fresh-${name}-${r}`,
      });
      if (r >= warmup) for (const op of GROWTH_OPERATIONS) samples[name][op].push(times[op]);
    }
    if (r >= warmup + 10 && performance.now() > deadline) break;
  }
  const summaries = {
    small: Object.fromEntries(GROWTH_OPERATIONS.map((op) => [op, summarize(samples.small[op])])),
    large: Object.fromEntries(GROWTH_OPERATIONS.map((op) => [op, summarize(samples.large[op])])),
  };
  const ratio = Object.fromEntries(
    GROWTH_OPERATIONS.map((op) => [op, summaries.large[op].median / summaries.small[op].median]),
  );
  return { ...summaries, ratio };
}
