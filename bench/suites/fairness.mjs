// 6. One user's generation flood against another user's redemption, over HTTP: the attack.
// One signed-in account sends 30 concurrent `PUT ready/mfa/recovery-codes {count:10}` (the
// ready-made routes, with their defaults) while a bystander redeems a valid code after another. The
// bystander's latency under the flood is compared with its latency without one, in the same run:
// rounds alternate an unloaded phase and a flooded phase (which goes first rotates each round), so
// drift and other load on the machine fall on both alike.
import { startServer } from './http.mjs';
import { summarize } from '../lib/stats.mjs';

const FLOOD = 30;
const SET = 10;

export async function runFairnessSuite({ hashing, rounds, unloadedPerRound }) {
  const server = await startServer(hashing, undefined, undefined, {}, { routes: true });
  const base = `${server.url}/ready/mfa`;
  const call = (user, method, path, body) =>
    fetch(`${base}/${path}`, {
      method,
      headers: {
        'x-user': user,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  try {
    // The bystander's codes, made between phases, never while timing; each redemption spends one.
    const codes = [];
    let users = 0;
    const stock = async (atLeast) => {
      while (codes.length - next < atLeast) {
        const user = `bystander-${users++}`;
        const res = await call(user, 'PUT', 'recovery-codes', { count: 100 });
        if (res.status !== 200) throw new Error(`bystander set: ${res.status}`);
        codes.push(...(await res.json()).codes.map((code) => ({ user, code })));
      }
    };
    let next = 0;
    await stock(100);
    const redeem = async () => {
      const { user, code } = codes[next++];
      const started = performance.now();
      const res = await call(user, 'POST', 'recovery-codes/redeem', { code });
      const ms = performance.now() - started;
      if (res.status !== 200) throw new Error(`bystander redeem: ${res.status}`);
      await res.arrayBuffer();
      return ms;
    };
    // Warm up: the first requests pay for JIT and connection setup.
    for (let i = 0; i < 5; i++) await redeem();

    const unloaded = [];
    const loaded = [];
    const floodStatuses = {};
    const floodDurations = [];
    const unloadedPhase = async () => {
      for (let i = 0; i < unloadedPerRound; i++) unloaded.push(await redeem());
    };
    const floodedPhase = async (round) => {
      let pending = FLOOD;
      const started = performance.now();
      const flood = Array.from({ length: FLOOD }, () =>
        call(`flooder-${round}`, 'PUT', 'recovery-codes', { count: SET })
          .then(async (res) => {
            floodStatuses[res.status] = (floodStatuses[res.status] ?? 0) + 1;
            await res.arrayBuffer();
          })
          .catch(() => {
            floodStatuses.error = (floodStatuses.error ?? 0) + 1;
          })
          .finally(() => pending--),
      );
      // Redeem one code after another for as long as the flood lasts.
      while (pending > 0) loaded.push(await redeem());
      await Promise.all(flood);
      floodDurations.push(performance.now() - started);
    };
    for (let round = 0; round < rounds; round++) {
      await stock(400);
      if (round % 2 === 0) {
        await unloadedPhase();
        await floodedPhase(round);
      } else {
        await floodedPhase(round);
        await unloadedPhase();
      }
    }
    const hashingStats = await server.ask('hashing');
    const u = summarize(unloaded);
    const l = summarize(loaded);
    return {
      flood: { requests: FLOOD, count: SET, rounds },
      unloaded: u,
      loaded: l,
      ratio: { median: l.median / u.median, p95: l.p95 / u.p95 },
      floodStatuses,
      floodDuration: summarize(floodDurations),
      hashing: {
        maxQueue: hashingStats.maxQueue,
        measuredHashMs: hashingStats.measuredHashMs,
        maxConcurrency: hashingStats.maxConcurrency,
      },
    };
  } finally {
    await server.stop();
  }
}
