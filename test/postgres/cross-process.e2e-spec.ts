import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  compileApp,
  startApp,
  type AppProcess,
  type CompiledApp,
} from './cross-process/app-process.js';
import { createTestDatabase, describePostgres, type TestDatabase } from './pg-harness.js';

const MAX_ATTEMPTS = 50;

describePostgres()('Two app processes sharing one PostgreSQL database', () => {
  let db: TestDatabase;
  let compiled: CompiledApp;
  let first: AppProcess;
  let second: AppProcess;

  beforeAll(async () => {
    [db, compiled] = await Promise.all([createTestDatabase('cross_process'), compileApp()]);
    const env = { DATABASE_URL: db.url, MFA_MAX_ATTEMPTS: String(MAX_ATTEMPTS) };
    // Both migrate at startup, at the same time. Only the second one's onMfaReset fails.
    [first, second] = await Promise.all([
      startApp(compiled, env),
      startApp(compiled, { ...env, MFA_FAIL_RESET: '1' }),
    ]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await compiled?.remove();
    await db?.close();
  });

  /** Alternates between the two instances, as a load balancer would. */
  const instance = (n: number) => (n % 2 === 0 ? first : second);

  it('lets exactly one of 40 concurrent redemptions of one code succeed', async () => {
    const user = newUser();
    const { code } = (await call(first, 'POST', '/codes', user)).body as { code: string };

    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, n) => call(instance(n), 'POST', '/redeem', user, { code })),
    ).then((responses) => responses.map((r) => r.status));

    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(39);
    expect((await call(second, 'GET', '/status', user)).body).toMatchObject({ remaining: 0 });
  });

  it('leaves exactly the ten codes of a concurrent ten-call generation loop valid', async () => {
    const user = newUser();
    const generate = () =>
      Promise.all(
        Array.from({ length: 10 }, (_, n) =>
          call(instance(n), 'POST', '/codes', user).then((r) => (r.body as { code: string }).code),
        ),
      );
    const earlier = await generate();
    const codes = await generate();
    expect(new Set([...earlier, ...codes]).size).toBe(20);
    expect((await call(first, 'GET', '/status', user)).body).toMatchObject({ remaining: 10 });

    for (const [n, code] of earlier.entries()) {
      expect((await call(instance(n), 'POST', '/redeem', user, { code })).status).toBe(401);
    }
    const redeemed = await Promise.all(
      codes.map((code, n) => call(instance(n + 1), 'POST', '/redeem', user, { code })),
    );
    expect(redeemed.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect((await call(second, 'GET', '/status', user)).body).toMatchObject({ remaining: 0 });
  });

  it('checks at most maxAttempts of a wrong-code burst spread over both, and refuses the rest', async () => {
    const user = newUser();
    const { code } = (await call(second, 'POST', '/codes', user)).body as { code: string };

    const statuses = await Promise.all(
      Array.from({ length: 120 }, (_, n) =>
        call(instance(n), 'POST', '/redeem', user, { code: randomCode() }),
      ),
    ).then((responses) => responses.map((r) => r.status));

    expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_ATTEMPTS);
    expect(statuses.filter((s) => s === 429)).toHaveLength(120 - MAX_ATTEMPTS);
    // Locked out: even the right code is refused, and stays unused.
    expect((await call(first, 'POST', '/redeem', user, { code })).status).toBe(429);
    expect((await call(first, 'GET', '/status', user)).body).toMatchObject({ remaining: 1 });
  });

  it('keeps a code usable on one instance after its reset hook failed on the other', async () => {
    const user = newUser();
    const { code } = (await call(first, 'POST', '/codes', user)).body as { code: string };

    expect((await call(second, 'POST', '/reset', user, { code })).status).toBe(500);
    const reset = await call(first, 'POST', '/reset', user, { code });
    expect(reset).toEqual({ status: 200, body: { reset: true } });
    expect((await call(second, 'POST', '/reset', user, { code })).status).toBe(401);
  });
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
