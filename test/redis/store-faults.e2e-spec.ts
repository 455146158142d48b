import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { MfaModule, STORE_UNAVAILABLE_MESSAGE } from '../../src/index.js';
import { RedisRecoveryCodeStore } from '../../src/redis/index.js';
import { createTestApp, FAST_HASHING, type TestApp } from '../utils/test-app.js';
import { MfaController } from '../postgres/cross-process/mfa.controller.js';
import { CLIENT_KINDS, connectStandalone, type TestRedisClient } from './redis-clients.js';
import { describeRedis, LocalRedisServer } from './redis-harness.js';

const unavailable = {
  statusCode: 503,
  error: 'store_unavailable',
  message: STORE_UNAVAILABLE_MESSAGE,
};

/** Short, so that a hanging Redis costs the tests little. */
const COMMAND_TIMEOUT_MS = 300;

describeRedis()('RedisRecoveryCodeStore while Redis is down or hangs', () => {
  let server: LocalRedisServer;
  const clients = {} as Record<(typeof CLIENT_KINDS)[number], TestRedisClient>;
  const apps = {} as Record<(typeof CLIENT_KINDS)[number], TestApp>;
  const resets: string[] = [];

  beforeAll(async () => {
    // Persistent, so that a restart keeps the codes.
    server = await LocalRedisServer.start({ appendOnly: true });
    for (const kind of CLIENT_KINDS) {
      clients[kind] = await connectStandalone(kind, server.url);
      apps[kind] = await createTestApp(
        {
          imports: [
            MfaModule.forRoot({
              store: new RedisRecoveryCodeStore({
                client: clients[kind].client,
                commandTimeoutMs: COMMAND_TIMEOUT_MS,
              }),
              hashing: FAST_HASHING,
              authenticate: (req) => ({ id: String(req.headers['x-user-id']) }),
              onMfaReset: (userId) => {
                resets.push(userId);
              },
            }),
          ],
          controllers: [MfaController],
        },
        'express',
      );
    }
  });

  afterAll(async () => {
    for (const app of Object.values(apps)) await app.close();
    for (const client of Object.values(clients)) await client.close();
    await server?.destroy();
  });

  const http = (kind: (typeof CLIENT_KINDS)[number]) => request(apps[kind].server);

  it('answers 503 store_unavailable while Redis is stopped, consumes nothing, and recovers without a restart', async () => {
    const users = Object.fromEntries(CLIENT_KINDS.map((kind) => [kind, `stop-${randomUUID()}`]));
    const codes = {} as Record<string, string[]>;
    for (const kind of CLIENT_KINDS) {
      const user = { 'x-user-id': users[kind] };
      codes[kind] = [];
      for (let i = 0; i < 3; i++) {
        codes[kind].push((await http(kind).post('/codes').set(user)).body.code);
      }
      await http(kind).post('/redeem').set(user).send({ code: codes[kind][0] }).expect(200);
    }

    await server.halt();
    for (const kind of CLIENT_KINDS) {
      const user = { 'x-user-id': users[kind] };
      const started = Date.now();
      for (const response of [
        await http(kind).post('/redeem').set(user).send({ code: codes[kind][1] }),
        await http(kind).post('/reset').set(user).send({ code: codes[kind][2] }),
        await http(kind).post('/codes').set(user),
        await http(kind).get('/status').set(user),
      ]) {
        expect(response.status).toBe(503);
        expect(response.body).toEqual(unavailable);
      }
      // Refused at once while the client reconnects, not after a timeout per request.
      expect(Date.now() - started).toBeLessThan(4 * COMMAND_TIMEOUT_MS);
    }
    expect(resets).toEqual([]);

    await server.resume();
    for (const kind of CLIENT_KINDS) {
      const user = { 'x-user-id': users[kind] };
      // The same app and client, reconnected on their own: both codes are still there.
      await waitFor(async () => (await http(kind).get('/status').set(user)).status === 200);
      await http(kind)
        .get('/status')
        .set(user)
        .expect(200, /"remaining":2/);
      await http(kind)
        .post('/redeem')
        .set(user)
        .send({ code: codes[kind][1] })
        .expect(200, { remaining: 1 });
      await http(kind)
        .post('/reset')
        .set(user)
        .send({ code: codes[kind][2] })
        .expect(200, { reset: true });
    }
    expect(resets.sort()).toEqual(Object.values(users).sort());
  });

  it('answers 503 once commandTimeoutMs has passed while Redis hangs, and consumes nothing', async () => {
    for (const kind of CLIENT_KINDS) {
      const user = { 'x-user-id': `hang-${randomUUID()}` };
      const { code } = (await http(kind).post('/codes').set(user).expect(201)).body;

      await pause(clients[kind]);
      const started = Date.now();
      const response = await http(kind).post('/redeem').set(user).send({ code });
      expect(response.status).toBe(503);
      expect(response.body).toEqual(unavailable);
      // Answered after the timeout, not after the pause.
      expect(Date.now() - started).toBeLessThan(PAUSE_MS - 500);

      await waitFor(async () => (await http(kind).get('/status').set(user)).status === 200);
      await http(kind).post('/redeem').set(user).send({ code }).expect(200, { remaining: 0 });
    }
  });

  describe.each(CLIENT_KINDS)(
    'with %s, a command that reaches Redis after its deadline',
    (kind) => {
      it('changes nothing: neither a late consume nor a late replaceAll, even as a first call', async () => {
        const store = new RedisRecoveryCodeStore({
          client: clients[kind].client,
          commandTimeoutMs: COMMAND_TIMEOUT_MS,
        });
        const user = `late-${randomUUID()}`;
        const codes = records(3);
        await store.replaceAll(user, codes);
        const found = await store.findActive(user, codes[0].lookupKey);
        const refusedBefore = await deadlineRefusals(server);

        // A store whose first call this is: it reads the clock first, and sends nothing more
        // once that read has timed out.
        const fresh = new RedisRecoveryCodeStore({
          client: clients[kind].client,
          commandTimeoutMs: COMMAND_TIMEOUT_MS,
        });

        await pause(clients[kind]);
        const late = await Promise.allSettled([
          store.consume(user, found?.id ?? ''),
          store.replaceAll(user, records(5)),
          fresh.replaceAll(user, records(6)),
        ]);
        for (const result of late) {
          expect(result).toMatchObject({
            status: 'rejected',
            reason: expect.objectContaining({ message: expect.stringMatching(/within 300 ms/) }),
          });
        }

        // Once the pause ends Redis runs both commands, and both refuse.
        await waitFor(async () => (await deadlineRefusals(server)) === refusedBefore + 2);
        expect(await store.status(user)).toMatchObject({ remaining: 3 });
        expect(await store.consume(user, found?.id ?? '')).toEqual({ remaining: 2 });
      });
    },
  );
});

/** How long Redis holds every client's commands in the hang tests; far beyond the timeout. */
const PAUSE_MS = 2_000;

/**
 * Pauses every client of the server (CLIENT PAUSE ALL), sent on the test's own connection so that
 * the pause is in force as soon as this resolves.
 */
async function pause(client: TestRedisClient): Promise<void> {
  await client.command(['CLIENT', 'PAUSE', String(PAUSE_MS), 'ALL']);
}

/** How many commands the store's deadline has refused on this server. */
async function deadlineRefusals(server: LocalRedisServer): Promise<number> {
  const info = await server.cli('info', 'errorstats');
  return Number(/errorstat_MFADEADLINE:count=(\d+)/.exec(info)?.[1] ?? 0);
}

function records(count: number) {
  return Array.from({ length: count }, () => ({
    lookupKey: randomBytes(32).toString('base64url'),
    digest: `$argon2id$v=19$m=19456,t=2,p=1$${randomBytes(16).toString('base64')}`,
  }));
}

/** Polls until `check` resolves true (rejections count as not yet), for up to 20 s. */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 20_000;
  while (!(await check().catch(() => false))) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
