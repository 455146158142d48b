import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import { Test } from '@nestjs/testing';
import {
  AUTHENTICATION_REQUIRED_MESSAGE,
  captureUpgradeRequests,
  INVALID_RECOVERY_CODE_MESSAGE,
  InMemoryRecoveryCodeStore,
  MFA_REQUIRED_MESSAGE,
  MfaService,
  TOO_MANY_ATTEMPTS_MESSAGE,
  type MfaModuleOptions,
} from '../../src/index.js';
import { websocketAppModule } from './websocket-app.module.js';
import {
  connect,
  WS_ADAPTERS,
  type WsAdapterName,
  type WsIdentity,
  type WsTestClient,
} from './websocket-clients.js';

const HEX_CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/;
const alice: WsIdentity = { userId: 'alice' };

describe.each(WS_ADAPTERS)('recovery codes over WebSockets (%s)', (adapter: WsAdapterName) => {
  const apps: INestApplication[] = [];
  const clients: WsTestClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  /** Boots the gateway's app on a loopback port with the adapter under test. */
  async function boot(options: MfaModuleOptions = {}) {
    const moduleRef = await Test.createTestingModule({
      imports: [websocketAppModule(options)],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    app.useWebSocketAdapter(
      adapter === 'ws' ? captureUpgradeRequests(new WsAdapter(app)) : new IoAdapter(app),
    );
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    const { port } = app.getHttpServer().address() as { port: number };
    const open = async (identity: WsIdentity = alice) => {
      const client = await connect(adapter, port, identity);
      clients.push(client);
      return client;
    };
    return { open, mfa: app.get(MfaService) };
  }

  it('answers an exception event with error unauthorized when no user is signed in', async () => {
    const { open, mfa } = await boot();
    const client = await open({});
    expect(await client.call('recovery-codes:generate')).toEqual({
      event: 'exception',
      data: {
        status: 'error',
        statusCode: 401,
        error: 'unauthorized',
        message: AUTHENTICATION_REQUIRED_MESSAGE,
      },
    });
    expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 0 });
  });

  it('hands @CurrentUser() the user that authenticate returned, on every message', async () => {
    const { open } = await boot();
    const client = await open();
    const me = { event: 'me', data: { id: 'alice', name: 'alice example', mfaPending: false } };
    expect(await client.call('me')).toEqual(me);
    expect(await client.call('me')).toEqual(me);
  });

  it('refuses an MFA-pending session with mfa_required on @Auth(), and lets it redeem', async () => {
    const { open } = await boot();
    const { code } = await generate(await open());
    const pending = await open({ userId: 'alice', mfaPending: true });
    expect(await pending.call('recovery-codes:generate')).toEqual({
      event: 'exception',
      data: {
        status: 'error',
        statusCode: 401,
        error: 'mfa_required',
        message: MFA_REQUIRED_MESSAGE,
      },
    });
    expect(await pending.call('recovery-codes:redeem', { code })).toEqual({
      event: 'recovery-codes:redeemed',
      data: { remaining: 0 },
    });
  });

  it('generates, redeems once, refuses the reuse, then locks out with retryAfter, echoing no code', async () => {
    const clock = { now: Date.now() };
    const store = new InMemoryRecoveryCodeStore({ now: () => clock.now });
    const { open } = await boot({ store, maxAttempts: 3, attemptWindowMs: 600_000 });
    const client = await open();
    const { code } = await generate(client);
    expect(code).toMatch(HEX_CODE);
    const spare = (await generate(client)).code;

    expect(await client.call('recovery-codes:redeem', { code })).toEqual({
      event: 'recovery-codes:redeemed',
      data: { remaining: 1 },
    });

    const invalid = {
      event: 'exception',
      data: {
        status: 'error',
        statusCode: 401,
        error: 'invalid_recovery_code',
        message: INVALID_RECOVERY_CODE_MESSAGE,
      },
    };
    // Exact payloads: no `cause`, so none of the message data Nest's default filter would echo.
    expect(await client.call('recovery-codes:redeem', { code })).toEqual(invalid);
    const wrong = ['ffffffff-ffff-ffff-ffff', 'eeeeeeee-eeee-eeee-eeee'];
    for (const guess of wrong) {
      expect(await client.call('recovery-codes:redeem', { code: guess })).toEqual(invalid);
    }

    clock.now += 60_000;
    const locked = await client.call('recovery-codes:redeem', { code: spare });
    expect(locked).toEqual({
      event: 'exception',
      data: {
        status: 'error',
        statusCode: 429,
        error: 'too_many_attempts',
        message: TOO_MANY_ATTEMPTS_MESSAGE,
        retryAfter: 540,
      },
    });
    for (const sent of [code, spare, ...wrong]) expect(JSON.stringify(locked)).not.toContain(sent);

    // The lockout consumed nothing: once the window has passed the spare code works.
    clock.now += 540_000;
    expect(await client.call('recovery-codes:redeem', { code: spare })).toEqual({
      event: 'recovery-codes:redeemed',
      data: { remaining: 0 },
    });
  });

  it('answers malformed input with bad_request and does not echo it', async () => {
    const { open } = await boot();
    const client = await open();
    const input = `not-a-code-${'z'.repeat(200)}`;
    const reply = await client.call('recovery-codes:redeem', { code: input });
    expect(reply).toMatchObject({ event: 'exception', data: { error: 'bad_request' } });
    expect(JSON.stringify(reply)).not.toContain('zzzzzzzz');
  });
});

/** Generates a code over the socket. */
async function generate(client: WsTestClient): Promise<{ code: string }> {
  const reply = await client.call('recovery-codes:generate');
  if (reply.event !== 'recovery-codes:generated') {
    throw new Error(`generate failed: ${JSON.stringify(reply)}`);
  }
  return reply.data as { code: string };
}
