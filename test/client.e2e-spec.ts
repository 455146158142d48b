import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ADAPTERS, createTestApp, FAST_HASHING, type TestApp } from './utils/test-app.js';
import { MfaModule } from '../src/mfa.module.js';
import type { NestAuthRequest } from '../src/mfa-module-options.interface.js';
import { InMemoryRecoveryCodeStore } from '../src/store/in-memory-recovery-code.store.js';
import {
  createNestAuthClient,
  isNestAuthError,
  NestAuthError,
  type NestAuthClient,
  type NestAuthFetch,
  type NestAuthFetchInit,
} from '../src/client/index.js';

/** The in-memory store with a switch that makes every read fail, like a database that went down. */
class SwitchableStore extends InMemoryRecoveryCodeStore {
  down = false;

  override async status(userId: string) {
    if (this.down) throw new Error('connection refused');
    return super.status(userId);
  }
}

async function rejection(promise: Promise<unknown>): Promise<NestAuthError> {
  try {
    await promise;
  } catch (error) {
    if (isNestAuthError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to reject');
}

describe.each(ADAPTERS)('createNestAuthClient against a real Nest app (%s)', (adapter) => {
  let testApp: TestApp;
  let baseUrl: string;
  let store: SwitchableStore;
  const resets: string[] = [];
  let userSeq = 0;
  let user: string;
  let client: NestAuthClient;

  const clientFor = (
    userId: string,
    extra: Partial<Parameters<typeof createNestAuthClient>[0]> = {},
  ) =>
    createNestAuthClient({
      baseUrl,
      path: 'account/mfa',
      headers: { 'x-user': userId },
      ...extra,
    });

  beforeAll(async () => {
    store = new SwitchableStore();
    testApp = await createTestApp(
      {
        imports: [
          MfaModule.forRoot({
            routes: { path: 'account/mfa' },
            store,
            hashing: FAST_HASHING,
            maxAttempts: 3,
            authenticate: (request: NestAuthRequest) => {
              const id = request.headers['x-user'];
              return typeof id === 'string' && id ? { id } : null;
            },
            onMfaReset: (userId) => {
              resets.push(userId);
            },
          }),
        ],
      },
      adapter,
    );
    await testApp.app.listen(0, '127.0.0.1');
    baseUrl = (await testApp.app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await testApp?.close();
  });

  beforeEach(() => {
    user = `user-${adapter}-${++userSeq}`;
    client = clientFor(user);
    store.down = false;
  });

  it('generates one code that is shown once and counted in the status', async () => {
    const before = Date.now();
    const { code } = await client.generateRecoveryCode();
    expect(code).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/);

    const status = await client.getRecoveryCodeStatus();
    expect(status.remaining).toBe(1);
    expect(status.generatedAt).toBeInstanceOf(Date);
    expect(status.generatedAt?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(status.lastUsedAt).toBeNull();
  });

  it('keeps the product page loop of ten concurrent calls as the valid set', async () => {
    const codes = await Promise.all(
      Array.from({ length: 10 }, () => client.generateRecoveryCode()),
    ).then((arr) => arr.map((r) => r.code));
    expect(new Set(codes).size).toBe(10);
    expect((await client.getRecoveryCodeStatus()).remaining).toBe(10);
  });

  it('replaces the whole set with generateRecoveryCodes, ten by default', async () => {
    const { code: old } = await client.generateRecoveryCode();
    const { codes } = await client.generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect((await client.generateRecoveryCodes(3)).codes).toHaveLength(3);
    expect((await client.getRecoveryCodeStatus()).remaining).toBe(3);

    const error = await rejection(client.redeemRecoveryCode(old));
    expect(error.status).toBe(401);
  });

  it('redeems a code once, reports the remaining count and the last use', async () => {
    const { codes } = await client.generateRecoveryCodes(2);
    expect(await client.redeemRecoveryCode(codes[0]!.toUpperCase())).toEqual({ remaining: 1 });

    const status = await client.getRecoveryCodeStatus();
    expect(status).toMatchObject({ remaining: 1 });
    expect(status.lastUsedAt).toBeInstanceOf(Date);

    const reuse = await rejection(client.redeemRecoveryCode(codes[0]!));
    expect(reuse).toBeInstanceOf(NestAuthError);
    expect(reuse).toMatchObject({
      name: 'NestAuthError',
      status: 401,
      error: 'invalid_recovery_code',
      retryAfter: null,
      message: 'The recovery code is invalid or has already been used.',
    });
  });

  it('resets MFA with a code, which the server then refuses a second time', async () => {
    const { code } = await client.generateRecoveryCode();
    await expect(client.resetMfa(code)).resolves.toEqual({ reset: true });
    expect(resets).toContain(user);

    const again = await rejection(client.resetMfa(code));
    expect(again.error).toBe('invalid_recovery_code');
  });

  it('revokes every code', async () => {
    const { codes } = await client.generateRecoveryCodes(4);
    await expect(client.revokeRecoveryCodes()).resolves.toBeUndefined();
    expect(await client.getRecoveryCodeStatus()).toEqual({
      remaining: 0,
      generatedAt: null,
      lastUsedAt: null,
    });
    expect((await rejection(client.redeemRecoveryCode(codes[0]!))).status).toBe(401);
  });

  it('rejects malformed input with bad_request and the server messages', async () => {
    const error = await rejection(client.resetMfa(''));
    expect(error.status).toBe(400);
    expect(error.error).toBe('bad_request');
    expect(error.messages).toEqual(['code must be a string of 1 to 64 printable ASCII characters']);
    expect(error.message).toBe('code must be a string of 1 to 64 printable ASCII characters');

    const count = await rejection(client.generateRecoveryCodes(0));
    expect(count).toMatchObject({ status: 400, error: 'bad_request' });
  });

  it('locks out after maxAttempts with too_many_attempts and the seconds to wait', async () => {
    await client.generateRecoveryCode();
    for (let i = 0; i < 3; i++) {
      expect((await rejection(client.redeemRecoveryCode('00000000-0000-0000-0000'))).status).toBe(
        401,
      );
    }
    const locked = await rejection(client.resetMfa('00000000-0000-0000-0000'));
    expect(locked.status).toBe(429);
    expect(locked.error).toBe('too_many_attempts');
    expect(locked.retryAfter).toBeGreaterThan(0);
    expect(locked.retryAfter).toBeLessThanOrEqual(900);
  });

  it('reports a failing store as store_unavailable', async () => {
    store.down = true;
    const error = await rejection(client.getRecoveryCodeStatus());
    expect(error).toMatchObject({ status: 503, error: 'store_unavailable' });
    expect(error.message).not.toContain('connection refused');
  });

  it('reports a request without a signed-in user as unauthorized', async () => {
    const anonymous = createNestAuthClient({ baseUrl, path: '/account/mfa/' });
    const error = await rejection(anonymous.generateRecoveryCode());
    expect(error).toMatchObject({
      status: 401,
      error: 'unauthorized',
      message: 'Sign in to continue.',
    });
  });

  it('sends headers from a function on every request, and the credentials mode', async () => {
    const seen: { url: string; init: NestAuthFetchInit }[] = [];
    const recordingFetch: NestAuthFetch = (url, init) => {
      seen.push({ url, init });
      return fetch(url, init);
    };
    let calls = 0;
    const tokenClient = clientFor(user, {
      fetch: recordingFetch,
      credentials: 'include',
      headers: async () => {
        calls++;
        return { 'x-user': user };
      },
    });
    await tokenClient.generateRecoveryCode();
    await tokenClient.getRecoveryCodeStatus();
    expect(calls).toBe(2);
    expect(seen.map((s) => `${s.init.method} ${s.url}`)).toEqual([
      `POST ${baseUrl}/account/mfa/recovery-codes`,
      `GET ${baseUrl}/account/mfa/recovery-codes`,
    ]);
    expect(seen.every((s) => s.init.credentials === 'include')).toBe(true);
  });

  it('rejects a wrong path with http_error and the status', async () => {
    const lost = createNestAuthClient({ baseUrl, path: 'nowhere', headers: { 'x-user': user } });
    const error = await rejection(lost.getRecoveryCodeStatus());
    expect(error).toMatchObject({ status: 404, error: 'http_error' });
  });

  it('rejects a success that is not the expected JSON with invalid_response', async () => {
    // For example a single-page app's fallback answering every unknown path with its index.html.
    const spaFallback: NestAuthFetch = async () =>
      new Response('<!doctype html><title>app</title>', { status: 200 });
    const html = createNestAuthClient({ baseUrl, fetch: spaFallback });
    const error = await rejection(html.generateRecoveryCode());
    expect(error).toMatchObject({ status: 200, error: 'invalid_response' });
    expect(error.message).toContain('check `baseUrl` and `path`');
  });

  it('rejects with network_error when the server cannot be reached', async () => {
    const offline = createNestAuthClient({
      baseUrl: 'http://127.0.0.1:9',
      headers: { 'x-user': user },
    });
    const error = await rejection(offline.getRecoveryCodeStatus());
    expect(error).toMatchObject({ status: 0, error: 'network_error', retryAfter: null });
  });
});

describe('NestAuthError', () => {
  it('is recognised by isNestAuthError, also as a copy from another bundle', () => {
    const own = new NestAuthError({ status: 429, error: 'too_many_attempts', message: 'wait' });
    const foreign = Object.assign(new Error('wait'), {
      name: 'NestAuthError',
      status: 429,
      error: 'too_many_attempts',
    });
    expect(isNestAuthError(own)).toBe(true);
    expect(isNestAuthError(foreign)).toBe(true);
    expect(isNestAuthError(new Error('other'))).toBe(false);
    expect(own.messages).toEqual(['wait']);
  });
});

describe('the browser entry points', () => {
  it('import nothing from Nest, Node or the server side of the library', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const files = ['client', 'react'].flatMap((dir) =>
      readdirSync(new URL(`../src/${dir}/`, import.meta.url))
        .filter((name) => /\.tsx?$/.test(name) && !name.includes('.spec.'))
        .map((name) => ({
          name: `${dir}/${name}`,
          text: readFileSync(new URL(`../src/${dir}/${name}`, import.meta.url), 'utf8'),
        })),
    );
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const { name, text } of files) {
      const specifiers = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      const allowed = specifiers.filter(
        (s) => s === 'react' || /^\.\/[\w.-]+\.js$/.test(s) || s.startsWith('../client/'),
      );
      expect({ name, specifiers }).toEqual({ name, specifiers: allowed });
    }
  });
});
