// 4. HTTP under load with autocannon, on loopback, bounded in time; and peak RSS of the server
// process during a flood of wrong guesses.
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../lib/http-server.mjs', import.meta.url));
const WRONG = JSON.stringify({ code: '00000000-0000-0000-0000' });

/** A running server child and a request/response helper over its IPC channel. */
export async function startServer(hashing, threadpool, hashLimit, extraEnv = {}, extra = {}) {
  const env = { ...process.env, ...extraEnv };
  if (threadpool === undefined) delete env.UV_THREADPOOL_SIZE;
  else env.UV_THREADPOOL_SIZE = String(threadpool);
  const child = fork(SERVER, [JSON.stringify({ hashing, hashLimit, ...extra })], {
    env,
    stdio: 'inherit',
  });
  const ready = await Promise.race([
    once(child, 'message').then(([m]) => m),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the bench server exited with ${code} before listening`);
    }),
    sleep(30_000, undefined, { ref: false }).then(() => {
      throw new Error('the bench server did not start within 30 s');
    }),
  ]).catch((error) => {
    child.kill('SIGKILL');
    throw error;
  });
  const ask = async (type, reply = type) => {
    child.send({ type });
    for (;;) {
      const [message] = await once(child, 'message');
      if (message.type === reply) return message;
    }
  };
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await Promise.race([
      exited,
      sleep(5_000, undefined, { ref: false }).then(() => child.kill('SIGKILL')),
    ]);
  };
  return { url: `http://127.0.0.1:${ready.port}`, ask, stop, pid: child.pid };
}

/** Waits (bounded) until the server has answered every request the load left queued. */
async function drain(server, limitMs = 20_000) {
  const until = performance.now() + limitMs;
  while (performance.now() < until) {
    if ((await server.ask('inflight')).count === 0) return true;
    await sleep(100);
  }
  return false;
}

async function load(url, { method = 'GET', body, connections, duration }) {
  const result = await autocannon({
    url,
    method,
    body,
    headers: { 'content-type': 'application/json', 'x-user': 'bench-user' },
    connections,
    duration,
    timeout: 30,
  });
  return result;
}

/**
 * `alsoAllowed`: statuses the scenario may answer besides the expected one, such as 503
 * `overloaded` once a flood passes `hashing.maxQueue`.
 */
function summarizeLoad(name, label, expectedStatus, connections, result, alsoAllowed = []) {
  const statusCounts = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]),
  );
  const allowed = [expectedStatus, ...alsoAllowed].map(String);
  const answered = Object.entries(statusCounts)
    .filter(([code]) => allowed.includes(code))
    .reduce((sum, [, count]) => sum + count, 0);
  const expected = statusCounts[expectedStatus] ?? 0;
  return {
    name,
    label,
    connections,
    durationS: result.duration,
    requests: result.requests.total,
    throughput: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    expectedStatus,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    ok: expected > 0 && answered === result.requests.total && result.errors === 0,
  };
}

export async function runHttpSuite({
  hashing,
  duration,
  floodDuration,
  floods: plans,
  memoryCost,
}) {
  const scenarios = [];
  const server = await startServer(hashing, undefined);
  try {
    // One code for the user, so status has something to count, and one warm request each.
    await fetch(`${server.url}/me/mfa/recovery-codes`, {
      method: 'POST',
      headers: { 'x-user': 'bench-user' },
    });
    const cases = [
      ['status', 'GET status', { method: 'GET' }, '/me/mfa/recovery-codes/status', 200],
      [
        'redeem',
        'POST redeem, wrong code',
        { method: 'POST', body: WRONG },
        '/me/mfa/recovery-codes/redeem',
        401,
      ],
      ['generate', 'POST generate', { method: 'POST' }, '/me/mfa/recovery-codes', 201],
    ];
    for (const [name, label, request, path, status] of cases) {
      const connections = 10;
      const result = await load(`${server.url}${path}`, { ...request, connections, duration });
      await drain(server);
      scenarios.push(summarizeLoad(name, label, status, connections, result));
    }
  } finally {
    await server.stop();
  }

  const floods = [];
  for (const { threadpool, hashLimit, env } of plans) {
    const server = await startServer(hashing, threadpool, hashLimit, env);
    try {
      await sleep(200);
      const idleRss = (await server.ask('rss')).rss;
      await server.ask('sample-start');
      const connections = 200;
      const result = await load(`${server.url}/me/mfa/recovery-codes/redeem`, {
        method: 'POST',
        body: WRONG,
        connections,
        duration: floodDuration,
      });
      const drained = await drain(server);
      const memory = await server.ask('sample-stop', 'samples');
      floods.push({
        threadpool: threadpool ?? 4,
        threadpoolFromEnv: threadpool !== undefined,
        hashLimit: hashLimit ?? null,
        maxConcurrency: hashLimit ?? defaultHashConcurrency(threadpool ?? 4),
        env: env ?? {},
        idleRss,
        peakRss: memory.peakRss,
        maxRss: memory.maxRss,
        samples: memory.samples,
        threadpoolProbe: memory.threadpoolProbe,
        drained,
        // What may run at once: one argon2 buffer of memoryCost KiB per busy thread.
        // One argon2 buffer per pool thread that ever hashed (glibc keeps freed ones per thread).
        hashingBound: (threadpool ?? 4) * memoryCost * 1024,
        // 200 waiting guesses are more than `hashing.maxQueue` (about 2 s of work) may hold: the
        // excess is refused at once with 503 overloaded rather than queued.
        load: summarizeLoad('flood', 'POST redeem, wrong code', 401, connections, result, [503]),
      });
    } finally {
      await server.stop();
    }
  }
  return { scenarios, floods };
}

/** The library's default `hashing.maxConcurrency` for a pool size, for labelling the runs. */
function defaultHashConcurrency(pool) {
  return Math.max(1, Math.min(availableParallelism(), pool - 1));
}
