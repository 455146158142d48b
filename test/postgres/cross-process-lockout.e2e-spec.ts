import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  compileApp,
  startApp,
  type AppProcess,
  type CompiledApp,
} from './cross-process/app-process.js';
import { createTestDatabase, describePostgres, type TestDatabase } from './pg-harness.js';

const MAX_ATTEMPTS = 6;
const MAX_CONSECUTIVE_FAILURES = 10;
/** Long enough for a burst of 20 requests to land in one window on a busy machine. */
const WINDOW_MS = 2_000;

describePostgres()('The consecutive-failure lock across two app processes', () => {
  let db: TestDatabase;
  let compiled: CompiledApp;
  let first: AppProcess;
  let second: AppProcess;

  beforeAll(async () => {
    [db, compiled] = await Promise.all([createTestDatabase('cross_lockout'), compileApp()]);
    const env = {
      DATABASE_URL: db.url,
      MFA_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      MFA_WINDOW_MS: String(WINDOW_MS),
      MFA_MAX_CONSECUTIVE_FAILURES: String(MAX_CONSECUTIVE_FAILURES),
    };
    [first, second] = await Promise.all([startApp(compiled, env), startApp(compiled, env)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await compiled?.remove();
    await db?.close();
  });

  /** Alternates between the two instances, as a load balancer would. */
  const instance = (n: number) => (n % 2 === 0 ? first : second);

  /** A burst of 20 wrong codes spread over both instances: how each one was answered. */
  async function burst(user: string): Promise<string[]> {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        call(instance(n), 'POST', '/redeem', user, { code: randomCode() }),
      ),
    );
    return responses.map(kind);
  }

  it('counts failures on both instances and across windows, checks no more than the cap, and locks every instance', async () => {
    const user = newUser();
    const { code } = (await call(first, 'POST', '/codes', user)).body as { code: string };

    const inFirstWindow = await burst(user);
    expect(count(inFirstWindow, '401')).toBe(MAX_ATTEMPTS);
    expect(count(inFirstWindow, '429 retry')).toBe(20 - MAX_ATTEMPTS);

    await pause(WINDOW_MS + 200);
    const inSecondWindow = await burst(user);
    expect(count(inSecondWindow, '401')).toBe(MAX_CONSECUTIVE_FAILURES - MAX_ATTEMPTS);
    expect(count(inSecondWindow, '429 permanent')).toBe(
      20 - (MAX_CONSECUTIVE_FAILURES - MAX_ATTEMPTS),
    );

    await pause(WINDOW_MS + 200);
    for (const app of [first, second]) {
      expect(kind(await call(app, 'POST', '/redeem', user, { code }))).toBe('429 permanent');
      expect(kind(await call(app, 'POST', '/reset', user, { code }))).toBe('429 permanent');
    }
    expect((await call(second, 'GET', '/status', user)).body).toMatchObject({ remaining: 1 });
  });

  it('lifts the lock on every instance when one of them unlocks, and keeps the codes', async () => {
    const user = newUser();
    const { code } = (await call(second, 'POST', '/codes', user)).body as { code: string };
    await lockOut(user);
    expect(kind(await call(second, 'POST', '/redeem', user, { code }))).toBe('429 permanent');

    expect((await call(first, 'POST', '/unlock', user)).status).toBe(200);
    expect((await call(second, 'POST', '/redeem', user, { code })).status).toBe(200);
  });

  it('lifts the lock on every instance with a new set from one, not with one more code', async () => {
    const user = newUser();
    await call(first, 'POST', '/codes', user);
    await lockOut(user);
    const { code: one } = (await call(first, 'POST', '/codes', user)).body as { code: string };
    expect(kind(await call(second, 'POST', '/redeem', user, { code: one }))).toBe('429 permanent');

    const { codes } = (await call(second, 'PUT', '/codes', user)).body as { codes: string[] };
    expect((await call(first, 'POST', '/redeem', user, { code: codes[0] })).status).toBe(200);
  });

  /** Fails the cap's worth of attempts, a window's worth at a time, alternating instances. */
  async function lockOut(user: string): Promise<void> {
    for (let n = 0; n < MAX_CONSECUTIVE_FAILURES; n++) {
      if (n > 0 && n % MAX_ATTEMPTS === 0) await pause(WINDOW_MS + 200);
      expect(
        (await call(instance(n), 'POST', '/redeem', user, { code: randomCode() })).status,
      ).toBe(401);
    }
  }
});

type Response = { status: number; body: unknown; retryAfter: string | null };

async function call(
  app: AppProcess,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  user: string,
  body?: unknown,
): Promise<Response> {
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: { 'x-user-id': user, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: response.status,
    body: await response.json(),
    retryAfter: response.headers.get('retry-after'),
  };
}

/** `'401'`, `'429 retry'` (a full window, with Retry-After) or `'429 permanent'` (the lock). */
function kind(response: Response): string {
  if (response.status !== 429) return String(response.status);
  const permanent = (response.body as { permanent?: boolean }).permanent === true;
  if (permanent && response.retryAfter === null) return '429 permanent';
  if (!permanent && response.retryAfter !== null) return '429 retry';
  return `429 inconsistent (${JSON.stringify(response.body)}, Retry-After ${response.retryAfter})`;
}

function count(kinds: string[], wanted: string): number {
  return kinds.filter((k) => k === wanted).length;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function newUser(): string {
  return `user-${randomUUID()}`;
}

/** A well-formed hex code that was never generated. */
function randomCode(): string {
  const hex = randomBytes(10).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}`;
}
