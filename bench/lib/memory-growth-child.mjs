// The in-memory growth rows, in a child process whose heap the parent sizes for the large set:
//   node --expose-gc [--max-old-space-size=MB] memory-growth-child.mjs '<json>'
// with { small, large, rounds, digest, budgetMs }, or { probe: users, digest } to measure the heap
// of one user first. Prints one JSON line.
import { InMemoryRecoveryCodeStore } from '@nest-auth/mfa';
import { compareGrowth, userId, userRecords } from './growth-walk.mjs';

const input = JSON.parse(process.argv[2]);

/** Loads `users` preloaded users through replaceAll, the store's only way in, without argon2. */
async function load(users, digest) {
  const store = new InMemoryRecoveryCodeStore();
  for (let u = 0; u < users; u++) await store.replaceAll(userId(u), userRecords(u, digest));
  return store;
}

function heapUsed() {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

if (input.probe) {
  const before = heapUsed();
  const store = await load(input.probe, input.digest);
  const bytesPerUser = (heapUsed() - before) / input.probe;
  // Keep the store reachable until measured.
  process.stdout.write(
    `${JSON.stringify({ bytesPerUser, users: (await store.status(userId(0))).remaining })}\n`,
  );
} else {
  const small = await load(input.small, input.digest);
  const before = heapUsed();
  const started = performance.now();
  const large = await load(input.large, input.digest);
  const loadMs = performance.now() - started;
  const bytesPerUser = (heapUsed() - before) / input.large;
  const comparison = await compareGrowth({
    small: { store: small, users: input.small },
    large: { store: large, users: input.large },
    rounds: input.rounds,
    digest: input.digest,
    deadline: performance.now() + input.budgetMs,
  });
  process.stdout.write(`${JSON.stringify({ loadMs, bytesPerUser, ...comparison })}\n`);
}
