// npm run bench [-- --quick]
// The full run writes bench/results.json, docs/BENCHMARKS.md and docs/bench-attempt-cost.svg and
// exits non-zero when a target does not hold. --quick is the CI smoke step: cheap hashing, few
// samples, ~1 s HTTP runs, no timing thresholds, output to a temp dir. --render rewrites the page
// and the chart from bench/results.json without measuring (after a change to bench/lib/report.mjs).
import { DEFAULT_HASHING_OPTIONS } from '@nest-auth/mfa';
import argon2 from 'argon2';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAttemptSuite } from './suites/attempt.mjs';
import { runBackendsSuite } from './suites/backends.mjs';
import { runFairnessSuite } from './suites/fairness.mjs';
import { runGenerateSuite } from './suites/generate.mjs';
import { runGrowthSuite } from './suites/growth.mjs';
import { runHttpSuite } from './suites/http.mjs';
import { runPepperSuite } from './suites/pepper.mjs';
import { runPostgresSuite } from './suites/postgres.mjs';
import { runRedeemSuite } from './suites/redeem.mjs';
import { runRedisSuite } from './suites/redis.mjs';
import { measureInMemoryStore } from './suites/store.mjs';
import { attemptChart, checkTargets, consoleTable, markdown } from './lib/report.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const renderOnly = process.argv.includes('--render');

const PLANS = {
  full: {
    hashing: { ...DEFAULT_HASHING_OPTIONS },
    attempt: { rounds: 40, naiveRounds: { small: 12, large: 4 }, budgetMs: 30_000 },
    redeem: { rounds: 40, budgetMs: 15_000 },
    generate: { rounds: 16, budgetMs: 20_000 },
    pepper: { rounds: 40, budgetMs: 15_000 },
    http: {
      duration: 5,
      floodDuration: 5,
      floods: [
        // The defaults: libuv's pool of 4, hashing.maxConcurrency at its default.
        {},
        // Hashing on every pool thread: what the default limit keeps from happening.
        { hashLimit: 4 },
        // What bounds memory: the pool, the limit, and glibc keeping freed buffers.
        { threadpool: 16, hashLimit: 16 },
        { threadpool: 16 },
        { threadpool: 16, env: { MALLOC_MMAP_THRESHOLD_: '1048576' } },
      ],
    },
    store: { memoryRounds: 2000, postgresRounds: 300, redisRounds: 1000 },
    growth: {
      small: 1_000,
      large: 1_000_000,
      // About 8 KB of heap per user: 1,000,000 users would need ~8 GB in one process.
      memoryLarge: Number(process.env.BENCH_MEMORY_GROWTH_USERS ?? 100_000),
      rounds: { memory: 2000, postgres: 400, redis: 1000 },
      budgetMs: 60_000,
    },
    fairness: { rounds: 6, unloadedPerRound: 20 },
    backends: { rounds: 40 },
  },
  quick: {
    hashing: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
    attempt: { rounds: 6, naiveRounds: { small: 3, large: 2 }, budgetMs: 5_000 },
    redeem: { rounds: 6, budgetMs: 3_000 },
    generate: { rounds: 4, budgetMs: 3_000 },
    pepper: { rounds: 6, budgetMs: 3_000 },
    http: { duration: 1, floodDuration: 1, floods: [{}] },
    store: { memoryRounds: 100, postgresRounds: 20, redisRounds: 50 },
    growth: {
      small: 1_000,
      large: 10_000,
      memoryLarge: 10_000,
      rounds: { memory: 50, postgres: 20, redis: 50 },
      budgetMs: 5_000,
    },
    fairness: { rounds: 2, unloadedPerRound: 5 },
    backends: { rounds: 4 },
  },
};

const plan = quick ? PLANS.quick : PLANS.full;
const outDir = quick ? join(tmpdir(), 'nest-auth-mfa-bench-quick') : root;
const files = {
  results: join(outDir, quick ? 'results.json' : 'bench/results.json'),
  markdown: join(outDir, quick ? 'BENCHMARKS.md' : 'docs/BENCHMARKS.md'),
  chart: join(outDir, quick ? 'bench-attempt-cost.svg' : 'docs/bench-attempt-cost.svg'),
};

if (renderOnly) {
  const results = JSON.parse(readFileSync(files.results, 'utf8'));
  await writeReport(results);
  process.stdout.write(
    `Rendered ${relative(root, files.markdown)} and ${relative(root, files.chart)}\n`,
  );
  process.exit(0);
}

const cleanup = [];
async function runCleanup() {
  while (cleanup.length)
    await cleanup
      .pop()()
      .catch(() => undefined);
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    void runCleanup().finally(() => process.exit(130));
  });
}

const log = (line) => process.stdout.write(`${line}\n`);
const started = performance.now();
const step = async (name, fn) => {
  const t = performance.now();
  log(`… ${name}`);
  const result = await fn();
  log(`  ${name}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return result;
};
const budget = (ms) => performance.now() + ms;
const version = (name) =>
  JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

const meta = {
  date: new Date().toISOString(),
  quick,
  hashing: plan.hashing,
  machine: {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    os: `${type()} ${release()} ${process.arch}`,
    node: process.version,
    argon2: version('argon2'),
    autocannon: version('autocannon'),
    threadpool: process.env.UV_THREADPOOL_SIZE
      ? `${process.env.UV_THREADPOOL_SIZE} (UV_THREADPOOL_SIZE)`
      : '4 (default)',
    loadAverage: loadavg(),
  },
};
if (quick) {
  log('smoke run: no thresholds (cheap hashing, few samples; ratios are not checked)');
}
log(
  `@nest-auth/mfa bench${quick ? ' --quick' : ''}: ${meta.machine.cores} × ${meta.machine.cpuModel}, Node ${meta.machine.node}, argon2id m=${plan.hashing.memoryCost} t=${plan.hashing.timeCost} p=${plan.hashing.parallelism}`,
);

try {
  const { hashing } = plan;
  const attempt = await step('1. failed attempt vs raw verify and naive scan', () =>
    runAttemptSuite({
      hashing,
      rounds: plan.attempt.rounds,
      naiveRounds: plan.attempt.naiveRounds,
      deadline: {
        library: budget(plan.attempt.budgetMs / 2),
        naive: budget(plan.attempt.budgetMs),
      },
    }),
  );
  const redeem = await step('2. successful redeem and reset vs raw verify', () =>
    runRedeemSuite({ hashing, rounds: plan.redeem.rounds, deadline: budget(plan.redeem.budgetMs) }),
  );
  const generate = await step('3. generateRecoveryCodes(10) vs raw hashes', () =>
    runGenerateSuite({
      hashing,
      rounds: plan.generate.rounds,
      deadline: budget(plan.generate.budgetMs),
    }),
  );
  const http = await step('4. HTTP under load (autocannon, 127.0.0.1)', () =>
    runHttpSuite({ hashing, ...plan.http, memoryCost: hashing.memoryCost }),
  );
  const digest = await argon2.hash('0123456789abcdef0123', { type: argon2.argon2id, ...hashing });
  const memory = await step('5. store latency, in-memory', () =>
    measureInMemoryStore({ rounds: plan.store.memoryRounds, digest }),
  );
  const postgres = await step('5. store latency, PostgreSQL', () =>
    runPostgresSuite({ rounds: plan.store.postgresRounds, digest, cleanup }),
  );
  const redis = await step('5. store latency, Redis (standalone)', () =>
    runRedisSuite({ rounds: plan.store.redisRounds, digest, cleanup }),
  );
  await runCleanup();
  const pepper = await step('7. an attempt with a pepper and two previous keys vs raw verify', () =>
    runPepperSuite({ hashing, rounds: plan.pepper.rounds, deadline: budget(plan.pepper.budgetMs) }),
  );
  if (quick) {
    log(
      `  quick mode: the growth rows load ${plan.growth.large.toLocaleString('en')} users, not 1,000,000`,
    );
  }
  const growth = await step('6. growth: 1,000 users against a large data set', () =>
    runGrowthSuite({ ...plan.growth, digest, cleanup, log }),
  );
  await runCleanup();
  const fairness = await step(
    '8. a generation flood against a bystander’s redemptions (HTTP)',
    () => runFairnessSuite({ hashing, ...plan.fairness }),
  );
  const backends = await step('9. argon2: Node’s crypto.argon2 vs the addon', () =>
    runBackendsSuite({ hashing, ...plan.backends }),
  );
  await runCleanup();

  meta.durationMs = performance.now() - started;
  meta.machine.loadAverageAtEnd = loadavg();
  const results = {
    meta,
    attempt,
    redeem,
    generate,
    pepper,
    http,
    fairness,
    backends,
    stores: { memory, postgres, redis },
    growth,
  };
  results.targets = checkTargets(results, { check: !quick });
  // A smoke run measures with cheap parameters and few samples: show no limit it was not held to.
  if (quick) {
    for (const target of results.targets) {
      target.shown = target.shown.replace(/ \([^)]*\)$/, ' (not checked)');
    }
  }

  mkdirSync(dirname(files.results), { recursive: true });
  mkdirSync(dirname(files.markdown), { recursive: true });
  writeFileSync(files.results, `${JSON.stringify(results, null, 2)}\n`);
  await writeReport(results);

  log(`\n${consoleTable(results)}\n`);
  log(
    `Wrote ${Object.values(files)
      .map((f) => (quick ? f : relative(root, f)))
      .join(', ')}`,
  );
  log(`Total ${(meta.durationMs / 1000).toFixed(1)} s`);

  // Whatever the mode, the bench must have measured what it claims to.
  const broken = [...http.scenarios, ...http.floods.map((f) => f.load)].filter((s) => !s.ok);
  const floodAnswers = Object.keys(fairness.floodStatuses).filter(
    (s) => s !== '200' && s !== '503',
  );
  if (floodAnswers.length) broken.push({ name: `flood (${floodAnswers.join(', ')})` });
  if (broken.length) {
    log(`✗ unexpected HTTP statuses in: ${broken.map((s) => s.name).join(', ')}`);
    process.exitCode = 1;
  }
  const failed = results.targets.filter((t) => t.pass === false);
  if (failed.length) {
    log(`✗ ${failed.length} target(s) did not hold`);
    process.exitCode = 1;
  }
} catch (error) {
  await runCleanup();
  throw error;
}

async function writeReport(results) {
  writeFileSync(files.chart, attemptChart(results));
  writeFileSync(
    files.markdown,
    await formatMarkdown(
      markdown(results, { chartFile: relative(dirname(files.markdown), files.chart) }),
    ),
  );
}

/** Prettier-formatted, so `prettier --check .` stays green after every run. */
async function formatMarkdown(text) {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(files.markdown)) ?? {};
  return prettier.format(text, { ...options, parser: 'markdown' });
}
