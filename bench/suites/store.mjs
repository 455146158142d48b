// 5. Latency of each RecoveryCodeStore operation, in memory and (when available) in PostgreSQL.
import { InMemoryRecoveryCodeStore } from '@nest-auth/mfa';
import { randomBytes } from 'node:crypto';
import { summarize } from '../lib/stats.mjs';

export const STORE_OPERATIONS = [
  'replaceAll',
  'findActive',
  'consume',
  'restore',
  'status',
  'reserveAttempt',
  'resetAttempts',
  'append',
  'revokeAll',
];

const BATCH = 10;
const POLICY = { maxAttempts: 1_000_000, windowMs: 900_000, maxConsecutiveFailures: 1_000_000 };

/**
 * One round on a fresh user walks a code's whole life, timing each call on its own: replace the
 * set, look a code up, consume it, restore it, count, reserve and clear an attempt, append one
 * more (evicting the oldest), revoke everything.
 */
export async function measureStore(store, { rounds, digest, prefix }) {
  const samples = Object.fromEntries(STORE_OPERATIONS.map((op) => [op, []]));
  const key = () => randomBytes(32).toString('base64url');
  const time = async (op, call) => {
    const started = performance.now();
    const result = await call();
    samples[op].push(performance.now() - started);
    return result;
  };
  const warmup = Math.min(5, rounds);
  for (let r = 0; r < rounds + warmup; r++) {
    const userId = `${prefix}-${r}`;
    const records = Array.from({ length: BATCH }, () => ({ lookupKey: key(), digest }));
    await time('replaceAll', () => store.replaceAll(userId, records));
    const found = await time('findActive', () => store.findActive(userId, records[3].lookupKey));
    if (!found) throw new Error('findActive missed a code that replaceAll stored');
    const consumed = await time('consume', () => store.consume(userId, found.id));
    if (consumed?.remaining !== BATCH - 1) throw new Error('consume did not count down');
    await time('restore', () => store.restore(userId, found.id));
    await time('status', () => store.status(userId));
    await time('reserveAttempt', () => store.reserveAttempt(userId, POLICY));
    await time('resetAttempts', () => store.resetAttempts(userId));
    await time('append', () => store.append(userId, { lookupKey: key(), digest }, BATCH));
    await time('revokeAll', () => store.revokeAll(userId));
    if (r < warmup) for (const op of STORE_OPERATIONS) samples[op].pop();
  }
  return Object.fromEntries(STORE_OPERATIONS.map((op) => [op, summarize(samples[op])]));
}

export async function measureInMemoryStore({ rounds, digest }) {
  return measureStore(new InMemoryRecoveryCodeStore(), { rounds, digest, prefix: 'memory' });
}
