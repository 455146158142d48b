import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  compileApp,
  startApp,
  type AppProcess,
  type CompiledApp,
} from '../postgres/cross-process/app-process.js';
import { createTestDatabase, describePostgres, type TestDatabase } from '../postgres/pg-harness.js';
import { describeRedis, LocalRedisServer } from './redis-harness.js';

const MAX_ATTEMPTS = 10;

interface Setup {
  name: string;
  /** Environment of both processes beyond Redis. */
  env: () => Record<string, string>;
  /** Whether the codes live in Redis too, so that reads fail while it is down. */
  codesInRedis: boolean;
}

const describeMixed = describePostgres();

describeRedis()('Two app processes sharing one Redis', () => {
  let server: LocalRedisServer;
  let compiled: CompiledApp;
  let db: TestDatabase | null = null;

  beforeAll(async () => {
    // Persistent, so that the stop-and-restart test keeps its codes. All three at once.
    [server, compiled, db] = await Promise.all([
      LocalRedisServer.start({ appendOnly: true }),
      compileApp('test/redis/cross-process/main.ts'),
      describeMixed === describe ? createTestDatabase('redis_mixed') : null,
    ]);
  }, 180_000);

  afterAll(async () => {
    await compiled?.remove();
    await server?.destroy();
    await db?.close();
  });

  describeTwoProcesses({
    name: 'codes and counters in Redis',
    env: () => ({}),
    codesInRedis: true,
  });

  describeMixed('(mixed)', () => {
    describeTwoProcesses({
      name: 'codes in PostgreSQL, counters in Redis',
      env: () => ({ MFA_CODES: 'postgres', DATABASE_URL: db?.url ?? '' }),
      codesInRedis: false,
    });
  });

  function describeTwoProcesses(setup: Setup): void {
    describe(`${setup.name}: one process on node-redis, the other on ioredis`, () => {
      let first: AppProcess;
      let second: AppProcess;

      beforeAll(async () => {
        const env = {
          ...setup.env(),
          REDIS_URL: server.url,
          MFA_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        };
        [first, second] = await Promise.all([
          startApp(compiled, { ...env, MFA_REDIS_CLIENT: 'node-redis' }),
          startApp(compiled, { ...env, MFA_REDIS_CLIENT: 'ioredis' }),
        ]);
      }, 120_000);

      afterAll(async () => {
        await Promise.all([first?.stop(), second?.stop()]);
      });

      /** Alternates between the two instances, as a load balancer would. */
      const instance = (n: number) => (n % 2 === 0 ? first : second);

      it('lets exactly one of 50 concurrent redemptions of one code succeed', async () => {
        const user = newUser();
        const { code } = (await call(first, 'POST', '/codes', user)).body as { code: string };

        const statuses = await Promise.all(
          Array.from({ length: 50 }, (_, n) =>
            call(instance(n), 'POST', '/redeem', user, { code }),
          ),
        ).then((responses) => responses.map((r) => r.status));

        expect(statuses.filter((s) => s === 200)).toHaveLength(1);
        // The rest were checked and refused (401), or found the attempts used up (429).
        expect(statuses.filter((s) => s !== 200 && s !== 401 && s !== 429)).toEqual([]);
        expect((await call(second, 'GET', '/status', user)).body).toMatchObject({ remaining: 0 });
      });

      it('checks at most maxAttempts of 40 wrong guesses spread over both, and refuses the rest', async () => {
        const user = newUser();
        const { code } = (await call(second, 'POST', '/codes', user)).body as { code: string };

        const statuses = await Promise.all(
          Array.from({ length: 40 }, (_, n) =>
            call(instance(n), 'POST', '/redeem', user, { code: randomCode() }),
          ),
        ).then((responses) => responses.map((r) => r.status));

        expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_ATTEMPTS);
        expect(statuses.filter((s) => s === 429)).toHaveLength(40 - MAX_ATTEMPTS);
        // Locked out on both: even the right code is refused, and stays unused.
        expect((await call(first, 'POST', '/redeem', user, { code })).status).toBe(429);
        expect((await call(second, 'POST', '/redeem', user, { code })).status).toBe(429);
        expect((await call(first, 'GET', '/status', user)).body).toMatchObject({ remaining: 1 });
      });

      it('answers 503 on both while Redis is stopped, consumes nothing, and both succeed once it is back', async () => {
        const user = newUser();
        const codes: string[] = [];
        for (let n = 0; n < 4; n++) {
          codes.push(
            ((await call(instance(n), 'POST', '/codes', user)).body as { code: string }).code,
          );
        }

        await server.halt();
        try {
          for (const [n, app] of [first, second].entries()) {
            expect((await call(app, 'POST', '/redeem', user, { code: codes[n] })).status).toBe(503);
            expect((await call(app, 'POST', '/reset', user, { code: codes[n + 2] })).status).toBe(
              503,
            );
            const status = await call(app, 'GET', '/status', user);
            if (setup.codesInRedis) expect(status.status).toBe(503);
            else expect(status).toMatchObject({ status: 200, body: { remaining: 4 } });
          }
        } finally {
          await server.resume();
        }

        for (const [n, app] of [first, second].entries()) {
          // Retried while the app's client reconnects: had a 503 consumed the code, the retry
          // would answer 401.
          const redeemed = await retryWhileUnavailable(() =>
            call(app, 'POST', '/redeem', user, { code: codes[n] }),
          );
          expect(redeemed.status).toBe(200);
          expect(await call(app, 'POST', '/reset', user, { code: codes[n + 2] })).toEqual({
            status: 200,
            body: { reset: true },
          });
        }
        expect((await call(first, 'GET', '/status', user)).body).toMatchObject({ remaining: 0 });
      });
    });
  }
});

async function call(
  app: AppProcess,
  method: 'GET' | 'POST',
  path: string,
  user: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: { 'x-user-id': user, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

function newUser(): string {
  return `user-${randomUUID()}`;
}

/** A well-formed hex code that was never generated. */
function randomCode(): string {
  const hex = randomBytes(10).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}`;
}

/** Repeats a request while it answers 503, for up to 20 s, and returns the first other answer. */
async function retryWhileUnavailable(
  send: () => Promise<{ status: number; body: unknown }>,
): Promise<{ status: number; body: unknown }> {
  const until = Date.now() + 20_000;
  for (;;) {
    const response = await send();
    if (response.status !== 503 || Date.now() > until) return response;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
