import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNestAuthClient, isNestAuthError, type NestAuthError } from './index.js';

interface Received {
  method: string;
  url: string;
  body: string;
}

/** A real HTTP server on a loopback port that records what it receives. */
async function listen(
  answer: (request: IncomingMessage, body: string) => { status: number; headers?: object },
): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', body });
      const { status, headers } = answer(request, body);
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify({ code: 'a1b2c3d4-e5f6-7890-abcd', remaining: 1, reset: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, received };
}

async function rejection(promise: Promise<unknown>): Promise<NestAuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isNestAuthError(error)) throw new Error(`expected a NestAuthError, got ${String(error)}`);
  return error;
}

const TYPED = 'a1b2c3d4-e5f6-7890-abcd';

describe('createNestAuthClient and redirects', () => {
  let attacker: Awaited<ReturnType<typeof listen>>;
  let api: Awaited<ReturnType<typeof listen>>;
  let status = 307;

  beforeAll(async () => {
    attacker = await listen(() => ({ status: 200 }));
    api = await listen((request) => ({
      status,
      headers: { location: `${attacker.url}/collect${request.url ?? ''}` },
    }));
  });

  afterAll(async () => {
    for (const { server } of [api, attacker]) {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  beforeEach(() => {
    api.received.length = 0;
    attacker.received.length = 0;
  });

  it.each([307, 308, 301, 302, 303])(
    'never follows a %i: a typed code reaches only the configured server',
    async (redirect) => {
      status = redirect;
      const client = createNestAuthClient({ baseUrl: api.url });
      for (const call of [
        () => client.resetMfa(TYPED),
        () => client.redeemRecoveryCode(TYPED),
        () => client.generateRecoveryCode(),
        () => client.getRecoveryCodeStatus(),
      ]) {
        const error = await rejection(call());
        expect(error).toMatchObject({ status: redirect, error: 'unexpected_redirect' });
        expect(error.message).toContain('redirect');
      }
      expect(attacker.received).toEqual([]);
      expect(api.received.map((r) => `${r.method} ${r.url}`)).toEqual([
        'POST /me/mfa/reset',
        'POST /me/mfa/recovery-codes/redeem',
        'POST /me/mfa/recovery-codes',
        'GET /me/mfa/recovery-codes',
      ]);
      expect(JSON.parse(api.received[0]!.body)).toEqual({ code: TYPED });
    },
  );

  it('refuses a response that a fetch ignoring `redirect` reached by following one', async () => {
    const direct = createNestAuthClient({
      baseUrl: api.url,
      fetch: async () => new Response('{"remaining":3}', { status: 200 }),
    });
    await expect(direct.redeemRecoveryCode(TYPED)).resolves.toEqual({ remaining: 3 });

    const followed = createNestAuthClient({
      baseUrl: api.url,
      fetch: async () => ({
        status: 200,
        ok: true,
        redirected: true,
        headers: { get: () => null },
        text: async () => '{"remaining":3}',
      }),
    });
    const error = await rejection(followed.redeemRecoveryCode(TYPED));
    expect(error).toMatchObject({ status: 200, error: 'unexpected_redirect' });
  });

  it('asks fetch not to follow redirects', async () => {
    const seen: (string | undefined)[] = [];
    const client = createNestAuthClient({
      baseUrl: api.url,
      fetch: async (_url, init) => {
        seen.push(init.redirect);
        return new Response('{"remaining":1}', { status: 200 });
      },
    });
    await client.redeemRecoveryCode(TYPED);
    expect(seen).toEqual(['manual']);
  });
});
