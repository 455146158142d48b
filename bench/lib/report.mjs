// Turns results into the console table, docs/BENCHMARKS.md and the SVG chart.

const ms = (v) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : '–');
/** A store latency given in ms: µs below one millisecond, ms above. */
const us = (v) => {
  if (!Number.isFinite(v)) return '–';
  if (v >= 1) return `${v.toFixed(v >= 10 ? 0 : 1)} ms`;
  return `${(v * 1000).toFixed(v < 0.01 ? 1 : 0)} µs`;
};
const x = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');
const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;
const holds = (pass) => (pass === null ? 'not checked' : pass ? 'yes' : '**no**');

/** Every target, checked against the measured value (`pass: null` in quick mode). */
export function checkTargets(results, { check }) {
  const targets = [];
  const add = (name, value, limit, shown) =>
    targets.push({ name, value, limit, shown, pass: check ? value <= limit : null });
  for (const row of results.attempt.rows) {
    if (row.kind === 'naive') continue;
    add(
      `failed attempt, ${row.storedCodes} stored, ${row.label}: median / raw verify`,
      row.ratio.median,
      1.1,
      `${x(row.ratio.median)} (≤ 1.10×)`,
    );
  }
  for (const row of results.redeem.rows) {
    add(
      `${row.label}: median / raw verify`,
      row.ratio.median,
      1.15,
      `${x(row.ratio.median)} (≤ 1.15×)`,
    );
  }
  for (const row of results.pepper?.rows ?? []) {
    add(
      `pepper + ${results.pepper.keys - 1} previous keys, ${row.label}: argon2 verifications per attempt`,
      row.verifications.max,
      1,
      `${row.verifications.min}–${row.verifications.max} over ${row.verifications.attempts} attempts (exactly 1)`,
    );
    add(
      `pepper + ${results.pepper.keys - 1} previous keys, ${row.label}: median / raw verify`,
      row.ratio.median,
      1.15,
      `${x(row.ratio.median)} (≤ 1.15×)`,
    );
  }
  const g = results.generate;
  add(
    `generateRecoveryCodes(${g.batch}): median / best raw concurrent`,
    g.ratioToBestConcurrent.median,
    1.1,
    `${x(g.ratioToBestConcurrent.median)} (≤ 1.10×)`,
  );
  const f = results.fairness;
  if (f) {
    add(
      `bystander redeem during ${f.flood.requests} × PUT {count:${f.flood.count}} from one user: median / unloaded median`,
      f.ratio.median,
      3,
      `${x(f.ratio.median)} (≤ 3.00×)`,
    );
  }
  const flood = results.http.floods.find((f) => !f.threadpoolFromEnv && !f.hashLimit);
  if (flood) {
    const peak = Math.max(flood.peakRss, flood.maxRss);
    add('peak RSS, 200 connections of wrong guesses', peak, 300e6, `${mb(peak)} (< 300 MB)`);
  }
  for (const [name, store] of growthStores(results)) {
    const [op, worst] = Object.entries(store.ratio).sort(([, a], [, b]) => b - a)[0];
    const delta = store.large[op].median - store.small[op].median;
    add(
      `growth, ${name}: slowest operation, median with ${count(store.users)} users / with ${count(results.growth.users.small)}`,
      worst,
      1.2,
      `${x(worst)} (≤ 1.20×), \`${op}\`, ${delta >= 0 ? '+' : '−'}${us(Math.abs(delta))}`,
    );
  }
  return targets;
}

const count = (n) => n.toLocaleString('en');

/** The growth results of each store that ran, with its label. */
function growthStores(results) {
  const stores = results.growth?.stores ?? {};
  return [
    ['in-memory', stores.memory],
    ['PostgreSQL', stores.postgres],
    ['Redis', stores.redis],
  ].filter(([, store]) => store && !store.skipped);
}

function pad(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ')).join('\n');
}

/** The table printed at the end of a run. */
export function consoleTable(results) {
  const rows = [['section', 'case', 'median', 'p95', 'ratio (median)', 'ratio (p95)']];
  for (const r of results.attempt.rows) {
    rows.push([
      `attempt, ${r.storedCodes} stored`,
      r.label,
      `${ms(r.median)} ms`,
      `${ms(r.p95)} ms`,
      x(r.ratio.median),
      x(r.ratio.p95),
    ]);
  }
  const raw = results.attempt.rawLibraryPhase;
  rows.push([
    'attempt',
    'raw argon2.verify',
    `${ms(raw.median)} ms`,
    `${ms(raw.p95)} ms`,
    '1.00×',
    '1.00×',
  ]);
  for (const r of results.redeem.rows) {
    rows.push([
      'success',
      r.label,
      `${ms(r.median)} ms`,
      `${ms(r.p95)} ms`,
      x(r.ratio.median),
      x(r.ratio.p95),
    ]);
  }
  for (const r of results.pepper?.rows ?? []) {
    rows.push([
      'pepper',
      `${r.label} (${r.verifications.max} verification${r.verifications.max === 1 ? '' : 's'})`,
      `${ms(r.median)} ms`,
      `${ms(r.p95)} ms`,
      x(r.ratio.median),
      x(r.ratio.p95),
    ]);
  }
  const g = results.generate;
  for (const [name, s] of [
    ['generateRecoveryCodes(10)', g.library],
    ['10 raw hashes, concurrent', g.concurrent],
    [`10 raw hashes, ${g.concurrentByCores.width} at a time`, g.concurrentByCores],
    ['10 raw hashes, sequential', g.sequential],
  ]) {
    rows.push([
      'generate',
      name,
      `${ms(s.median)} ms`,
      `${ms(s.p95)} ms`,
      x(s.median / g.library.median),
      x(s.p95 / g.library.p95),
    ]);
  }
  for (const s of results.http.scenarios) {
    rows.push([
      'http',
      `${s.label} (${s.connections} conn)`,
      `${ms(s.p50Ms)} ms p50`,
      `${ms(s.p99Ms)} ms p99`,
      `${s.throughput.toFixed(0)} req/s`,
      '',
    ]);
  }
  for (const f of results.http.floods) {
    rows.push([
      'http flood',
      `200 conn wrong guesses, pool ${f.threadpool}, maxConcurrency ${f.maxConcurrency ?? '?'}${
        f.env?.MALLOC_MMAP_THRESHOLD_ ? ', fixed mmap threshold' : ''
      }`,
      `${mb(Math.max(f.peakRss, f.maxRss))} peak RSS`,
      `${mb(f.idleRss)} idle`,
      `${f.load.throughput.toFixed(0)} req/s`,
      `${ms(f.load.p99Ms)} ms p99`,
    ]);
  }
  if (results.fairness) {
    const f = results.fairness;
    for (const [name, s] of [
      ['bystander redeem, no flood', f.unloaded],
      [`bystander redeem, ${f.flood.requests} × PUT {count:${f.flood.count}}`, f.loaded],
    ]) {
      rows.push([
        'flood',
        name,
        `${ms(s.median)} ms`,
        `${ms(s.p95)} ms`,
        x(s.median / f.unloaded.median),
        x(s.p95 / f.unloaded.p95),
      ]);
    }
  }
  if (results.backends && !results.backends.skipped) {
    const b = results.backends;
    for (const [op, r] of [
      ['hash', b.hash],
      ['verify', b.verify],
    ]) {
      rows.push([
        `argon2 ${b.node}`,
        `${op}: crypto.argon2 / addon`,
        `${ms(r.builtIn.median)} ms`,
        `${ms(r.addon.median)} ms`,
        x(r.ratio.median),
        x(r.ratio.p95),
      ]);
    }
  }
  for (const [store, ops] of storeColumns(results)) {
    for (const [op, s] of Object.entries(ops)) {
      rows.push([`store ${store}`, op, us(s.median), us(s.p95), '', '']);
    }
  }
  for (const [store, growth] of growthStores(results)) {
    for (const [op, ratio] of Object.entries(growth.ratio)) {
      rows.push([
        `growth ${store}`,
        `${op}, ${count(results.growth.users.small)} → ${count(growth.users)} users`,
        `${us(growth.small[op].median)} → ${us(growth.large[op].median)}`,
        '',
        x(ratio),
        '',
      ]);
    }
  }
  const lines = [pad(rows), ''];
  if (results.stores.postgres.skipped)
    lines.push(`PostgreSQL rows skipped: ${results.stores.postgres.skipped}`);
  if (results.stores.redis?.skipped)
    lines.push(`Redis rows skipped: ${results.stores.redis.skipped}`);
  for (const [name, store] of Object.entries(results.growth?.stores ?? {})) {
    if (store.skipped) lines.push(`growth, ${name}: skipped (${store.skipped})`);
  }
  for (const t of results.targets) {
    lines.push(`${t.pass === null ? '·' : t.pass ? '✓' : '✗'} ${t.name}: ${t.shown}`);
  }
  return lines.join('\n');
}

function storeColumns(results) {
  const columns = [['in-memory', results.stores.memory]];
  if (results.stores.postgres.operations)
    columns.push(['PostgreSQL', results.stores.postgres.operations]);
  for (const [client, operations] of Object.entries(results.stores.redis?.clients ?? {})) {
    columns.push([`Redis (${client})`, operations]);
  }
  return columns;
}

function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** docs/BENCHMARKS.md. */
export function markdown(results, { chartFile }) {
  const { meta, attempt, redeem, generate: g, http, stores } = results;
  const h = meta.hashing;
  const out = [];
  out.push(
    '# Benchmarks',
    `Generated by \`npm run bench\` on ${meta.date}, in ${(meta.durationMs / 1000).toFixed(0)} s. Do not edit by hand: run it again.${meta.quick ? ' **Quick mode: cheap hashing parameters and few samples; the numbers mean nothing.**' : ''}`,
    '## Summary',
    table(
      ['target', 'measured', 'holds'],
      results.targets.map((t) => [t.name, t.shown, holds(t.pass)]),
    ),
    '## Machine',
    [
      `- CPU: ${meta.machine.cpuModel}, ${meta.machine.cores} cores (\`os.availableParallelism()\`), ${(meta.machine.memoryBytes / 2 ** 30).toFixed(0)} GiB RAM`,
      `- ${meta.machine.os}; Node ${meta.machine.node}; argon2 ${meta.machine.argon2}; autocannon ${meta.machine.autocannon}`,
      `- argon2id parameters: memoryCost ${h.memoryCost} KiB, timeCost ${h.timeCost}, parallelism ${h.parallelism}${meta.quick ? ' (quick mode)' : ' (the defaults, OWASP baseline)'}`,
      `- libuv thread pool: ${meta.machine.threadpool}`,
      `- Load average (1, 5, 15 min) when the run started: ${meta.machine.loadAverage.map((l) => l.toFixed(2)).join(', ')}; when it ended: ${(meta.machine.loadAverageAtEnd ?? []).map((l) => l.toFixed(2)).join(', ')}. The bench itself keeps about one core busy; more means other processes shared the machine.`,
    ].join('\n'),
    '## Method',
    [
      '- Everything runs in one process against the built `dist/` through the package export map, with `MfaModule.forRoot()` in a Nest application context, as an app uses it.',
      '- Each comparison is **interleaved**: every round runs each variant once, in an order that rotates every round (A B C, B C A, C A B, …), so drift and CPU contention from elsewhere fall on all variants alike. Two warm-up rounds are discarded.',
      '- Ratios divide the library’s median by the baseline’s median (and p95 by p95), both from the same interleaved run. Targets are checked on the median ratio.',
      '- The baseline for one attempt is one `argon2.verify` at the same parameters. The lockout is disabled for the run (`maxAttempts` and `maxConsecutiveFailures` at `Number.MAX_SAFE_INTEGER`) so every attempt reaches the hash.',
      '- “Unknown lookup part” is a random well-formed code: the store finds nothing and the dummy digest is verified. “Known lookup part, wrong secret” reuses the first group of a stored code: the record is found and its digest verified.',
      '- The naive baseline exists only in the bench: no lookup key, verify the guess against every stored digest in turn, as a scan-all design does. It runs in its own interleaved phase with its own raw-verify baseline, with fewer rounds because one sample at 100 codes costs 100 verifications.',
      '- Successful redemptions and resets use codes generated before timing starts; each sample consumes a fresh code.',
      '- HTTP: the bench starts the app (Express, `@Auth()`, in-memory store) in a child process on 127.0.0.1 and drives it with autocannon for a fixed duration per scenario. The server samples its own `process.memoryUsage().rss` every 50 ms during the flood; the kernel’s high-water mark (`process.resourceUsage().maxRSS`) is recorded as well, and the larger of the two is reported.',
      '- Store latency times each call of a code’s life on a fresh user: `replaceAll` (10 codes), `findActive`, `consume`, `restore`, `status`, `reserveAttempt`, `resetAttempts`, `append` (cap 10), `revokeAll`.',
    ].join('\n'),
  );

  out.push(
    '## 1. A failed attempt costs one verification',
    `Raw \`argon2.verify\`: median ${ms(attempt.rawLibraryPhase.median)} ms, p95 ${ms(attempt.rawLibraryPhase.p95)} ms (${attempt.rawLibraryPhase.n} samples); in the naive phase ${ms(attempt.rawNaivePhase.median)} ms, p95 ${ms(attempt.rawNaivePhase.p95)} ms.`,
    table(
      ['stored codes', 'case', 'samples', 'median', 'p95', 'ratio (median)', 'ratio (p95)'],
      attempt.rows.map((r) => [
        r.storedCodes,
        r.kind === 'naive'
          ? 'naive baseline: verify against every stored digest'
          : `\`redeemRecoveryCode\`, ${r.label}`,
        r.n,
        `${ms(r.median)} ms`,
        `${ms(r.p95)} ms`,
        x(r.ratio.median),
        x(r.ratio.p95),
      ]),
    ),
    `![Median cost of one failed attempt against stored codes: flat for @nest-auth/mfa, linear for the naive scan](${chartFile})`,
  );

  out.push(
    '## 2. A success costs one verification',
    `Raw \`argon2.verify\` of a matching code: median ${ms(redeem.raw.median)} ms, p95 ${ms(redeem.raw.p95)} ms.`,
    table(
      ['case', 'samples', 'median', 'p95', 'ratio (median)', 'ratio (p95)'],
      redeem.rows.map((r) => [
        `\`${r.label.split(',')[0]}\`, correct code`,
        r.n,
        `${ms(r.median)} ms`,
        `${ms(r.p95)} ms`,
        x(r.ratio.median),
        x(r.ratio.p95),
      ]),
    ),
  );

  const gRow = (name, s) => [
    name,
    s.n,
    `${ms(s.median)} ms`,
    `${ms(s.p95)} ms`,
    x(s.median / g.library.median),
  ];
  out.push(
    '## 3. Generating ten codes',
    `\`generateRecoveryCodes(${g.batch})\` against ten raw \`argon2.hash\` calls. Its median is ${x(g.ratioToBestConcurrent.median)} the best raw concurrent median (${g.bestConcurrent === 'concurrent' ? 'all ten at once' : `${g.concurrentByCores.width} at a time`}); its speed-up over hashing one after another is ${x(g.speedUpOverSequential)} (sequential median / library median). With ${results.meta.machine.cores} cores the ideal is ${results.meta.machine.cores}×; other processes on the cores, and argon2's memory traffic, pull it below that.`,
    table(
      ['case', 'samples', 'median', 'p95', 'time relative to the library'],
      [
        gRow(`\`generateRecoveryCodes(${g.batch})\``, g.library),
        gRow('10 raw hashes, all at once (`Promise.all`)', g.concurrent),
        gRow(
          `10 raw hashes, ${g.concurrentByCores.width} at a time (one per core)`,
          g.concurrentByCores,
        ),
        gRow('10 raw hashes, one after another', g.sequential),
      ],
    ),
  );

  out.push(
    '## 4. HTTP under load',
    `autocannon against the app in a child process on 127.0.0.1, ${http.scenarios[0]?.durationS ?? '?'} s per scenario. Wrong codes answer 401, generation 201.`,
    table(
      ['scenario', 'connections', 'requests', 'throughput', 'p50', 'p99', 'statuses'],
      http.scenarios.map((s) => [
        s.label,
        s.connections,
        s.requests,
        `${s.throughput.toFixed(0)} req/s`,
        s.p50Ms < 1 ? '< 1 ms' : `${ms(s.p50Ms)} ms`,
        s.p99Ms < 1 ? '< 1 ms' : `${ms(s.p99Ms)} ms`,
        statuses(s),
      ]),
    ),
    '### Memory under a flood of wrong guesses',
    table(
      [
        'server',
        'idle RSS',
        'peak RSS',
        'peak − idle',
        'pool threads × memoryCost',
        '`fs.stat` wait, median / max',
        'throughput',
        'p99',
        'statuses',
      ],
      http.floods.map((f) => {
        const peak = Math.max(f.peakRss, f.maxRss);
        return [
          floodName(f),
          mb(f.idleRss),
          mb(peak),
          mb(peak - f.idleRss),
          mb(f.hashingBound),
          f.threadpoolProbe?.n
            ? `${ms(f.threadpoolProbe.medianMs)} / ${ms(f.threadpoolProbe.maxMs)} ms`
            : '–',
          `${f.load.throughput.toFixed(0)} req/s`,
          `${ms(f.load.p99Ms)} ms`,
          statuses(f.load),
        ];
      }),
    ),
    floodFinding(results),
  );

  const columns = storeColumns(results);
  out.push(
    '## 5. Store latency',
    stores.postgres.operations
      ? `Per call. PostgreSQL: ${stores.postgres.version}, ${stores.postgres.source}, through a \`pg\` pool of 4 on loopback.`
      : `Per call. PostgreSQL rows skipped: ${stores.postgres.skipped}. Set \`DATABASE_URL\`, or install PostgreSQL (\`initdb\` under \`/usr/lib/postgresql/*/bin\`), and build \`@nest-auth/mfa/postgres\`.`,
    redisCaption(stores.redis),
    table(
      ['operation', ...columns.flatMap(([name]) => [`${name} median`, `${name} p95`])],
      Object.keys(stores.memory).map((op) => [
        `\`${op}\``,
        ...columns.flatMap(([, ops]) => [us(ops[op].median), us(ops[op].p95)]),
      ]),
    ),
  );
  if (results.growth) out.push(...growthSection(results));

  if (results.pepper) {
    const p = results.pepper;
    out.push(
      `## 7. A pepper with ${p.keys - 1} previous keys still costs one verification`,
      `\`pepper: { current, previous: [two older keys] }\`, codes issued under the oldest key. An attempt reads the store once per key, in parallel, and verifies only under the key whose lookup found the record. Verifications are counted exactly (the bench wraps \`argon2.verify\`), every attempt of the run included. Raw \`argon2.verify\`: median ${ms(p.raw.median)} ms, p95 ${ms(p.raw.p95)} ms.`,
      table(
        [
          'case',
          'verifications per attempt',
          'samples',
          'median',
          'p95',
          'ratio (median)',
          'ratio (p95)',
        ],
        p.rows.map((r) => [
          `\`redeemRecoveryCode\`, ${r.label}`,
          r.verifications.min === r.verifications.max
            ? String(r.verifications.max)
            : `${r.verifications.min}–${r.verifications.max}`,
          r.n,
          `${ms(r.median)} ms`,
          `${ms(r.p95)} ms`,
          x(r.ratio.median),
          x(r.ratio.p95),
        ]),
      ),
    );
  }

  if (results.fairness) out.push(...fairnessSection(results.fairness));
  if (results.backends) out.push(...backendsSection(results.backends, meta.hashing));

  out.push(
    '## Reproduce',
    [
      '```bash',
      'npm run bench            # full run, five to ten minutes on 2 cores (most of it loading the 1,000,000-user sets); rewrites this file',
      'npm run bench -- --quick # smoke run in CI: cheap parameters, no thresholds, writes to a temp dir',
      '```',
    ].join('\n'),
    'The full run exits non-zero when a target does not hold. CPU contention from other processes makes argon2 noisy; the interleaving keeps the ratios fair, but run it on an otherwise idle machine for absolute numbers. `bench/results.json` holds every number of this page.',
  );
  return `${out.join('\n\n')}\n`;
}

function redisCaption(redis) {
  if (!redis) return 'Redis rows: not measured in this run.';
  if (redis.skipped) return `Redis rows skipped: ${redis.skipped}.`;
  return `Redis: ${redis.version}, ${redis.source}, one connection per client package (node-redis, ioredis), \`RedisRecoveryCodeStore\` with its defaults.`;
}

/** 6. Growth: medians with few and with many users, and the cost of one user in each store. */
function growthSection(results) {
  const { users, stores } = results.growth;
  const ran = growthStores(results);
  const out = [
    '## 6. Growth: 1,000 users against a large data set',
    [
      `Each store holds ${count(users.small)} users in one data set and ${count(users.large)} (in-memory: ${count(users.memoryLarge)}) in another, every user with 10 codes. The rounds alternate between the two sets (small, large; large, small; …). Reads and counters go to a random preloaded user, whose data is as cold as a real user’s; \`replaceAll\`, \`append\` and \`revokeAll\` to a fresh user, removed again, so each set keeps its size. Target: every median at most 1.2× the small set’s.`,
      `The large sets are loaded directly, not through argon2: PostgreSQL with one \`INSERT … SELECT\` over \`generate_series\` per 100,000 users, then \`ANALYZE\`; Redis with the store’s own \`replaceAll\` script, 512 calls in flight on one node-redis connection (pipelined), one database per set on one server without persistence; the in-memory store with \`replaceAll\` in a child process whose heap is sized from the measured footprint of a user. The in-memory store keeps about ${Math.round((stores.memory?.bytesPerUser ?? NaN) / 1000)} kB of heap per user, so 1,000,000 users would take about ${Math.round(((stores.memory?.bytesPerUser ?? NaN) * 1e6) / 1e9)} GB in one process: its large set is ${count(users.memoryLarge)} users (\`BENCH_MEMORY_GROWTH_USERS\` to change).`,
    ].join('\n\n'),
  ];
  for (const [name, store] of Object.entries(stores)) {
    if (store.skipped) out.push(`Growth, ${name}: skipped (${store.skipped}).`);
  }
  if (ran.length === 0) return out;
  const ops = Object.keys(ran[0][1].ratio);
  out.push(
    table(
      [
        'operation',
        ...ran.map(([name, store]) => `${name}: ${count(users.small)} → ${count(store.users)}`),
      ],
      ops.map((op) => [
        `\`${op}\``,
        ...ran.map(
          ([, store]) =>
            `${us(store.small[op].median)} → ${us(store.large[op].median)} (${x(store.ratio[op])})`,
        ),
      ]),
    ),
    '### Memory per user (10 codes)',
    table(
      ['store', 'per user', 'measured as', `loading the large set`],
      ran.map(([name, store]) => [
        name,
        `${(store.bytesPerUser / 1000).toFixed(1)} kB`,
        store.footprint === 'used_memory'
          ? `\`used_memory\` before and after loading ${count(store.users)} users`
          : store.footprint === 'V8 heap'
            ? `V8 heap after a full GC, before and after loading ${count(store.users)} users`
            : `\`pg_total_relation_size\` (table, indexes, TOAST) over ${count(store.users)} users`,
        `${(store.loadMs / 1000).toFixed(1)} s`,
      ]),
    ),
  );
  const redis = stores.redis;
  if (redis?.memoryUsage) {
    out.push(
      `Redis, one user’s hash by \`MEMORY USAGE\`: ${count(redis.memoryUsage.oneUser)} bytes with the default \`hash-max-listpack-value\` (${redis.memoryUsage.listpackDefault}); ${count(redis.memoryUsage.oneUserListpack)} bytes with \`hash-max-listpack-value 256\`, where the hash is one compact listpack (an unused code's value is about 122 bytes). Attempt counters add two small keys while a user has failed attempts, and none after a success.`,
    );
  }
  return out;
}

/** Section 9: the built-in argon2 against the addon, interleaved in one process. */
function backendsSection(b, h) {
  if (b.skipped) {
    return ['## 9. argon2: Node’s `crypto.argon2` and the addon', `Skipped: ${b.skipped}.`];
  }
  const row = (name, s, ratio) => [
    name,
    s.n,
    `${ms(s.median)} ms`,
    `${ms(s.p95)} ms`,
    ratio ? x(ratio.median) : '1.00×',
  ];
  return [
    '## 9. argon2: Node’s `crypto.argon2` and the addon',
    `The library hashes with Node’s built-in \`crypto.argon2\` on Node 24.7 and later, and with the \`argon2\` addon before. Both at m=${h.memoryCost} KiB, t=${h.timeCost}, p=${h.parallelism}, one operation at a time, interleaved in one ${b.node} process (on an older bench Node, a child process of the newest Node 24). The digests are the same PHC strings either way (\`test/argon2-backends.e2e-spec.ts\`).`,
    table(
      ['operation', 'samples', 'median', 'p95', 'median / addon'],
      [
        row('hash, `crypto.argon2` (the library’s backend)', b.hash.builtIn, b.hash.ratio),
        row('hash, `argon2` addon', b.hash.addon),
        row('verify, `crypto.argon2` (the library’s backend)', b.verify.builtIn, b.verify.ratio),
        row('verify, `argon2` addon', b.verify.addon),
      ],
    ),
  ];
}

/** Section 8: the issue's flood, a bystander's redemptions with and without it, side by side. */
function fairnessSection(f) {
  const statusList = Object.entries(f.floodStatuses)
    .map(([code, n]) => `${n}× ${code}`)
    .join(', ');
  const row = (name, s) => [name, s.n, `${ms(s.median)} ms`, `${ms(s.p95)} ms`];
  return [
    '## 8. One user’s generation flood, another user’s redemption',
    `One signed-in account sends ${f.flood.requests} concurrent \`PUT ready/mfa/recovery-codes {count:${f.flood.count}}\` to the ready-made routes (default options) while another user redeems valid codes one after another over HTTP. ${f.flood.rounds} rounds alternate a phase without the flood and a phase with it (which comes first alternates), each flood from a fresh account, so both columns share the run. Before the fair queue, the bystander waited behind all ${f.flood.requests * f.flood.count} hashes (29 ms became 3,973 ms in the issue).`,
    table(
      ['bystander `POST redeem`', 'samples', 'median', 'p95'],
      [row('no flood', f.unloaded), row(`during the flood`, f.loaded)],
    ),
    [
      `- **Ratio:** ${x(f.ratio.median)} at the median, ${x(f.ratio.p95)} at p95 (target: median ≤ 3×). A redemption waits at most for the hashes already running, never for the queued ones: verification has its own lane, ahead of generation.`,
      `- **The flood's answers:** ${statusList} over ${f.flood.rounds} rounds; each flood lasted ${ms(f.floodDuration.median)} ms at the median. \`hashing.maxQueue\` was ${f.hashing.maxQueue} operations at the end (derived: about 2 s of work for ${f.hashing.maxConcurrency} slots at the measured ${ms(f.hashing.measuredHashMs)} ms per hash, never below \`maxActiveCodes\`, 100 in this app). ${f.floodStatuses['503'] ? 'Each 503 is `overloaded`: that set would have passed it, so it was refused at once with `Retry-After` instead of queued, and counted nothing.' : 'No set was refused: the backlog stayed under it.'}`,
      '- Each flooding account sends exactly 30 sets, the default `routes.generationLimit`; the 31st would get 429 `too_many_generations`.',
    ].join('\n'),
  ];
}

function statuses(s) {
  const parts = Object.entries(s.statusCounts).map(([code, n]) => `${n}× ${code}`);
  if (s.errors) parts.push(`${s.errors} errors`);
  return parts.join(', ') || 'none';
}

function floodName(f) {
  const code = (t) => `\`${t}\``;
  const pool = f.threadpoolFromEnv
    ? `${code(`UV_THREADPOOL_SIZE=${f.threadpool}`)}`
    : `pool ${f.threadpool} (default)`;
  const parts = [pool];
  parts.push(
    f.hashLimit
      ? code(`maxConcurrency: ${f.hashLimit}`)
      : `maxConcurrency ${f.maxConcurrency ?? '?'} (default)`,
  );
  for (const [name, value] of Object.entries(f.env ?? {})) parts.push(code(`${name}=${value}`));
  return parts.join(', ');
}

function floodFinding(results) {
  const { floods } = results.http;
  const hasEnv = (f) => Object.keys(f.env ?? {}).length > 0;
  const base = floods.find((f) => !f.threadpoolFromEnv && !f.hashLimit);
  const wholePool = floods.find((f) => !f.threadpoolFromEnv && f.hashLimit);
  const wide = floods.find((f) => f.threadpoolFromEnv && f.hashLimit && !hasEnv(f));
  const wideLimited = floods.find((f) => f.threadpoolFromEnv && !f.hashLimit && !hasEnv(f));
  const unretained = floods.find((f) => f.threadpoolFromEnv && f.env?.MALLOC_MMAP_THRESHOLD_);
  const peakOf = (f) => mb(Math.max(f.peakRss, f.maxRss));
  const probe = (f) =>
    f?.threadpoolProbe?.n
      ? `${ms(f.threadpoolProbe.medianMs)} ms at the median (${ms(f.threadpoolProbe.maxMs)} ms at worst)`
      : 'n/a';
  const items = [
    '**What bounds memory.** argon2 allocates its `memoryCost` buffer on the libuv pool thread that runs the hash, and glibc keeps a freed buffer for its thread, so resident memory grows to about one buffer per pool thread that ever hashed, however many requests wait; a waiting request is a few small JavaScript objects.',
  ];
  if (base) {
    items.push(
      `**The defaults** (pool ${base.threadpool}, \`hashing.maxConcurrency\` ${base.maxConcurrency}): peak ${peakOf(base)}, ${mb(Math.max(base.peakRss, base.maxRss) - base.idleRss)} above idle, against ${mb(base.hashingBound)} for ${base.threadpool} argon2 buffers. An \`fs.stat\` issued every 100 ms during the flood waited ${probe(base)}.`,
    );
  }
  if (wholePool) {
    items.push(
      `**Why the default leaves a thread free.** With \`maxConcurrency: ${wholePool.hashLimit}\`, hashes take the whole pool of ${wholePool.threadpool}, and the same \`fs.stat\` waited ${probe(wholePool)} behind queued hashes (\`dns.lookup\`, zlib and \`crypto.pbkdf2\` queue there too); peak ${peakOf(wholePool)}.`,
    );
  }
  if (wide) {
    items.push(
      `**A larger pool.** With \`UV_THREADPOOL_SIZE=${wide.threadpool}\` and \`maxConcurrency: ${wide.hashLimit}\` the peak was ${peakOf(wide)}: memory grows with the pool, not with the load.`,
    );
  }
  if (wideLimited) {
    items.push(
      `**The same pool with the default limit** (${wideLimited.maxConcurrency} at once): peak ${peakOf(wideLimited)}. The limit keeps threads free for other work, but successive hashes land on different pool threads, and each keeps its freed buffer.`,
    );
  }
  if (unretained) {
    items.push(
      `**With \`MALLOC_MMAP_THRESHOLD_=${unretained.env.MALLOC_MMAP_THRESHOLD_}\` as well,** buffers are unmapped when freed and the peak was ${peakOf(unretained)}; throughput was ${unretained.load.throughput.toFixed(0)} req/s against ${(wideLimited ?? base)?.load.throughput.toFixed(0)} without it, since every hash then maps and faults in fresh pages. Apps that raise the pool can set it to keep memory flat.`,
    );
  }
  items.push(
    '**Throughput and p99 under the flood** are those of a queue: waiting requests drain at the hashing rate of the cores, so a request waits about (requests waiting) / (requests per second). Guesses beyond `hashing.maxQueue` (about 2 s of work by default) are answered at once with 503 `overloaded` and `Retry-After` instead of joining the queue. The flood is there to measure memory.',
  );
  return items.map((item) => `- ${item}`).join('\n');
}

/** docs/bench-attempt-cost.svg: median cost of one failed attempt against stored codes, log–log. */
export function attemptChart(results) {
  const rows = results.attempt.rows;
  const sizes = [...new Set(rows.map((r) => r.storedCodes))];
  const series = [
    { kind: 'miss', name: '@nest-auth/mfa (redeemRecoveryCode, wrong code)', color: '#1f77b4' },
    { kind: 'naive', name: 'naive: verify against every stored digest', color: '#d62728' },
  ].map((s) => ({
    ...s,
    points: sizes.map((n) => rows.find((r) => r.kind === s.kind && r.storedCodes === n)),
  }));
  const raw = results.attempt.rawLibraryPhase.median;
  const values = [raw, ...series.flatMap((s) => s.points.map((p) => p.median))].filter(
    (v) => v > 0,
  );
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const W = 720;
  const H = 440;
  const m = { left: 80, right: 40, top: 70, bottom: 100 };
  const inset = 40;
  const span = Math.log10(sizes.at(-1)) - Math.log10(sizes[0]) || 1;
  const px = (n) =>
    m.left +
    inset +
    ((Math.log10(n) - Math.log10(sizes[0])) / span) * (W - m.left - m.right - 2 * inset);
  const py = (v) =>
    H -
    m.bottom -
    ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (H - m.top - m.bottom);
  const f = (n) => n.toFixed(1);
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="title" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="13">`,
    '<title id="title">Median cost of one failed attempt against the number of stored codes</title>',
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="28" text-anchor="middle" font-size="16" font-weight="600">One failed attempt: median time against stored codes (log–log)</text>`,
  ];
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    svg.push(
      `<line x1="${m.left}" x2="${W - m.right}" y1="${f(py(d))}" y2="${f(py(d))}" stroke="#e5e5e5"/>`,
      `<text x="${m.left - 8}" y="${f(py(d) + 4)}" text-anchor="end" fill="#555">${d >= 1000 ? `${d / 1000} s` : `${d} ms`}</text>`,
    );
  }
  for (const n of sizes) {
    svg.push(
      `<line x1="${f(px(n))}" x2="${f(px(n))}" y1="${m.top}" y2="${H - m.bottom}" stroke="#e5e5e5"/>`,
      `<text x="${f(px(n))}" y="${H - m.bottom + 20}" text-anchor="middle" fill="#555">${n}</text>`,
    );
  }
  svg.push(
    `<text x="${(m.left + W - m.right) / 2}" y="${H - m.bottom + 40}" text-anchor="middle" fill="#333">stored codes for the user</text>`,
    `<line x1="${m.left}" x2="${W - m.right}" y1="${f(py(raw))}" y2="${f(py(raw))}" stroke="#777" stroke-dasharray="6 4"/>`,
    `<text x="${W - m.right}" y="${f(py(raw) + 36)}" text-anchor="end" fill="#555">dashed: one raw argon2.verify, ${ms(raw)} ms</text>`,
  );
  for (const s of series) {
    const path = s.points
      .map((p, i) => `${i ? 'L' : 'M'}${f(px(p.storedCodes))} ${f(py(p.median))}`)
      .join(' ');
    svg.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2.5"/>`);
    for (const p of s.points) {
      svg.push(
        `<circle cx="${f(px(p.storedCodes))}" cy="${f(py(p.median))}" r="4.5" fill="${s.color}"/>`,
        `<text x="${f(px(p.storedCodes))}" y="${f(py(p.median) + (s.kind === 'naive' ? -10 : 20))}" text-anchor="middle" fill="${s.color}">${ms(p.median)} ms</text>`,
      );
    }
  }
  series.forEach((s, i) => {
    const y = H - 30 + i * 20;
    svg.push(
      `<line x1="${m.left}" x2="${m.left + 26}" y1="${y - 4}" y2="${y - 4}" stroke="${s.color}" stroke-width="2.5"/>`,
      `<text x="${m.left + 34}" y="${y}" fill="#333">${s.name}</text>`,
    );
  });
  const h = results.meta.hashing;
  svg.push(
    `<text x="${W / 2}" y="50" text-anchor="middle" fill="#777" font-size="12">argon2id m=${h.memoryCost} KiB, t=${h.timeCost}, p=${h.parallelism}; ${results.meta.machine.cores} cores, Node ${results.meta.machine.node}</text>`,
    '</svg>',
  );
  return `${svg.join('\n')}\n`;
}
