import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { MfaModule } from '../../src/mfa.module.js';
import { MfaService } from '../../src/mfa.service.js';
import { RedisRecoveryCodeStore } from '../../src/redis/index.js';
import { describeAttemptStore, describeRecoveryCodeStore } from '../../src/testing/index.js';
import { FAST_HASHING } from '../utils/test-app.js';
import { CLIENT_KINDS, connectStandalone, type TestRedisClient } from './redis-clients.js';
import { describeRedis, LocalRedisServer } from './redis-harness.js';

describeRedis()('RedisRecoveryCodeStore on a standalone server', () => {
  let server: LocalRedisServer;
  const clients = {} as Record<(typeof CLIENT_KINDS)[number], TestRedisClient>;

  beforeAll(async () => {
    server = await LocalRedisServer.start();
    for (const kind of CLIENT_KINDS) clients[kind] = await connectStandalone(kind, server.url);
  });

  afterAll(async () => {
    for (const client of Object.values(clients)) await client.close();
    await server?.destroy();
  });

  for (const kind of CLIENT_KINDS) {
    describeRecoveryCodeStore(`RedisRecoveryCodeStore (${kind}, standalone)`, () => ({
      store: new RedisRecoveryCodeStore({ client: clients[kind].client }),
    }));

    describeAttemptStore(
      `RedisRecoveryCodeStore (${kind}, standalone)`,
      () => ({ attemptStore: new RedisRecoveryCodeStore({ client: clients[kind].client }) }),
      // Windows expire by TTL on the server's clock: the suite waits them out.
      { realWindowMs: 300 },
    );

    describe(`with ${kind}`, () => {
      const store = () => new RedisRecoveryCodeStore({ client: clients[kind].client });
      const keysOf = async (pattern: string) =>
        ((await clients[kind].command(['KEYS', pattern])) as string[]).sort();

      it('keeps users apart whose ids hold braces, colons, percent signs or lone surrogates', async () => {
        const run = randomUUID();
        const ids = [
          `u${run}`,
          `u${run}}`,
          `u${run}}:codes`,
          `{u${run}}`,
          `u${run}:x`,
          `u${run}%3Ax`,
          `u${run}\uD800`,
          `u${run}\uD801`,
        ];
        const sets = ids.map((_, n) => records(n + 1));
        const s = store();
        await Promise.all(ids.map((id, n) => s.replaceAll(id, sets[n])));

        for (const [n, id] of ids.entries()) {
          expect((await s.status(id)).remaining).toBe(n + 1);
          for (const [m, set] of sets.entries()) {
            const found = await s.findActive(id, set[0].lookupKey);
            if (m === n) expect(found?.digest).toBe(set[0].digest);
            else expect(found).toBeNull();
          }
        }
        const keys = await keysOf(`*${run}*`);
        expect(keys).toHaveLength(ids.length);
        for (const key of keys) expect(key).toMatch(/^\{mfa:[^{}:]+\}:codes$/);

        const victim = await s.findActive(ids[0], sets[0][0].lookupKey);
        for (const id of ids.slice(1)) {
          expect(await s.consume(id, victim?.id ?? '')).toBeNull();
          await s.revokeAll(id);
        }
        expect((await s.status(ids[0])).remaining).toBe(1);
      });

      it('lets a window expire by TTL, keeps failures until a success, and leaves no key after success and revoke', async () => {
        const moduleRef = await Test.createTestingModule({
          imports: [MfaModule.forRoot({ store: store(), hashing: FAST_HASHING, maxAttempts: 5 })],
        }).compile();
        const mfa = moduleRef.get(MfaService);
        const user = `user-${randomUUID()}`;
        const tag = `{mfa:${user}}`;
        try {
          const { codes } = await mfa.generateRecoveryCodes(user, 10);
          await expect(mfa.redeemRecoveryCode(user, wrong(codes[0]))).rejects.toThrow();
          expect(await keysOf(`${tag}*`)).toEqual([
            `${tag}:attempts`,
            `${tag}:codes`,
            `${tag}:failures`,
          ]);
          const ttl = Number(await clients[kind].command(['PTTL', `${tag}:attempts`]));
          expect(ttl).toBeGreaterThan(0);
          expect(ttl).toBeLessThanOrEqual(900_000);
          expect(Number(await clients[kind].command(['PTTL', `${tag}:failures`]))).toBe(-1);

          await mfa.redeemRecoveryCode(user, codes[1]);
          expect(await keysOf(`${tag}*`)).toEqual([`${tag}:codes`]);
          await mfa.revokeRecoveryCodes(user);
          expect(await keysOf(`*${user}*`)).toEqual([]);
        } finally {
          await moduleRef.close();
        }
      });

      it('dates codes by the Redis clock, and keeps working, when the app clock is an hour off', async () => {
        const s = store();
        const user = `clock-${randomUUID()}`;
        const realNow = Date.now.bind(Date);
        const skew = jest.spyOn(Date, 'now').mockImplementation(() => realNow() - 3_600_000);
        try {
          const codes = records(2);
          await s.replaceAll(user, codes);
          const found = await s.findActive(user, codes[0].lookupKey);
          expect(await s.consume(user, found?.id ?? '')).toEqual({ remaining: 1 });
          const status = await s.status(user);
          const [seconds] = (await clients[kind].command(['TIME'])) as string[];
          const serverNow = Number(seconds) * 1000;
          for (const date of [status.generatedAt, status.lastUsedAt]) {
            expect(Math.abs((date?.getTime() ?? 0) - serverNow)).toBeLessThan(10_000);
          }
        } finally {
          skew.mockRestore();
        }
      });

      it('counts attempts, failures and quotas under limits up to the largest safe integer', async () => {
        const s = store();
        for (const limit of [2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
          const user = `big-${limit}-${randomUUID()}`;
          const policy = { maxAttempts: limit, windowMs: 60_000, maxConsecutiveFailures: limit };
          expect(await s.reserveAttempt(user, policy)).toMatchObject({
            allowed: true,
            attempts: 1,
            failures: 1,
          });
          expect(await s.reserveQuota(user, 'generate', { limit, windowMs: 60_000 })).toEqual({
            allowed: true,
            count: 1,
            retryAfterMs: 0,
          });
        }
      });

      it('loads its scripts again after the script cache was flushed', async () => {
        const s = store();
        const user = `flush-${randomUUID()}`;
        const codes = records(3);
        await s.replaceAll(user, codes);
        await clients[kind].command(['SCRIPT', 'FLUSH']);
        const found = await s.findActive(user, codes[2].lookupKey);
        expect(await s.consume(user, found?.id ?? '')).toEqual({ remaining: 2 });
      });
    });
  }
});

/** Random records shaped like the service's. */
function records(count: number) {
  return Array.from({ length: count }, () => ({
    lookupKey: randomBytes(32).toString('base64url'),
    digest: `$argon2id$v=19$m=19456,t=2,p=1$${randomBytes(16).toString('base64')}`,
  }));
}

/** The code with its last character changed. */
function wrong(code: string): string {
  return `${code.slice(0, -1)}${code.endsWith('0') ? '1' : '0'}`;
}
