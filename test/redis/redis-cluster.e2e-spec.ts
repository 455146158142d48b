import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { MfaModule } from '../../src/mfa.module.js';
import { MfaService } from '../../src/mfa.service.js';
import { RecoveryCodeStoreUnavailableException } from '../../src/mfa.exceptions.js';
import { RedisRecoveryCodeStore } from '../../src/redis/index.js';
import { escapeKeyPart } from '../../src/redis/redis-store.keys.js';
import { describeAttemptStore, describeRecoveryCodeStore } from '../../src/testing/index.js';
import { FAST_HASHING } from '../utils/test-app.js';
import { CLIENT_KINDS, connectCluster, type TestRedisClient } from './redis-clients.js';
import { describeRedis, LocalRedisCluster } from './redis-harness.js';

describeRedis()('RedisRecoveryCodeStore on a three-master Cluster', () => {
  let cluster: LocalRedisCluster;
  const clients = {} as Record<(typeof CLIENT_KINDS)[number], TestRedisClient>;

  beforeAll(async () => {
    cluster = await LocalRedisCluster.start();
    for (const kind of CLIENT_KINDS) {
      clients[kind] = await connectCluster(kind, cluster.rootNodes);
    }
  }, 60_000);

  afterAll(async () => {
    for (const client of Object.values(clients)) await client.close();
    await cluster?.destroy();
  });

  for (const kind of CLIENT_KINDS) {
    describeRecoveryCodeStore(`RedisRecoveryCodeStore (${kind}, Cluster)`, () => ({
      store: new RedisRecoveryCodeStore({ client: clients[kind].client }),
    }));
    describeAttemptStore(
      `RedisRecoveryCodeStore (${kind}, Cluster)`,
      () => ({ attemptStore: new RedisRecoveryCodeStore({ client: clients[kind].client }) }),
      { realWindowMs: 300 },
    );
  }

  it('keeps every key of a user in one slot, and spreads users over all masters', async () => {
    const run = randomUUID();
    const users = Array.from({ length: 30 }, (_, n) => `${run}-${n}${n % 3 === 0 ? '}:x{' : ''}`);
    const store = new RedisRecoveryCodeStore({ client: clients['node-redis'].client });
    const policy = { maxAttempts: 5, windowMs: 60_000, maxConsecutiveFailures: 100 };
    for (const user of users) {
      await store.replaceAll(user, [{ lookupKey: 'k', digest: '$argon2id$x' }]);
      await store.reserveAttempt(user, policy);
      await store.reserveQuota(user, 'generate', { limit: 5, windowMs: 60_000 });
    }

    const perNode = await Promise.all(
      cluster.nodes.map(async (node) =>
        (await node.cli('--scan', '--pattern', `*${run}*`)).split('\n').filter(Boolean),
      ),
    );
    // Four keys per user (codes, attempts, failures, quota), never split across nodes.
    expect(perNode.flat()).toHaveLength(users.length * 4);
    for (const keys of perNode) expect(keys.length).toBeGreaterThan(0);
    for (const user of users) {
      const holders = perNode.filter((keys) =>
        keys.some((key) => key.startsWith(`{mfa:${escapeKeyPart(user)}}:`)),
      );
      expect(holders).toHaveLength(1);
    }
  });

  it('answers 503 with nothing consumed while the Cluster is down, and recovers without a restart', async () => {
    const apps: { kind: string; mfa: MfaService; moduleRef: TestingModule }[] = [];
    for (const kind of CLIENT_KINDS) {
      const moduleRef = await Test.createTestingModule({
        imports: [
          MfaModule.forRoot({
            store: new RedisRecoveryCodeStore({
              client: clients[kind].client,
              commandTimeoutMs: 500,
            }),
            hashing: FAST_HASHING,
          }),
        ],
      }).compile();
      moduleRef.useLogger(false);
      apps.push({ kind, mfa: moduleRef.get(MfaService), moduleRef });
    }
    const user = `down-${randomUUID()}`;
    const codes = await Promise.all(
      apps.map(async ({ mfa }, n) => (await mfa.generateRecoveryCodes(`${user}-${n}`, 3)).codes),
    );

    // Stop a master that holds none of these users, so that theirs answer CLUSTERDOWN rather
    // than wait for a node that is gone.
    const slots = await Promise.all(
      apps.map((_, n) => cluster.nodes[0].cli('cluster', 'keyslot', `{mfa:${user}-${n}}:codes`)),
    );
    const holders = await Promise.all(
      cluster.nodes.map(async (node) => {
        const counts = await Promise.all(
          slots.map((slot) => node.cli('cluster', 'countkeysinslot', slot.trim())),
        );
        return counts.some((count) => Number(count) > 0);
      }),
    );
    const stopped = cluster.nodes[holders.indexOf(false)];
    const alive = cluster.nodes.filter((node) => node !== stopped);
    try {
      await stopped.halt();
      // The other masters vote the stopped one down after cluster-node-timeout (1 s).
      await waitFor(async () =>
        (await Promise.all(alive.map((node) => node.cli('cluster', 'info')))).every((info) =>
          /cluster_state:fail/.test(info),
        ),
      );
      // node-redis hands CLUSTERDOWN back; ioredis retries it until commandTimeoutMs ends the call.
      for (const kind of CLIENT_KINDS) {
        const store = new RedisRecoveryCodeStore({
          client: clients[kind].client,
          commandTimeoutMs: 500,
        });
        await expect(store.status(`${user}-0`)).rejects.toThrow(
          kind === 'node-redis' ? /CLUSTERDOWN/ : /CLUSTERDOWN|within 500 ms/,
        );
      }
      for (const [n, { mfa }] of apps.entries()) {
        await expect(mfa.redeemRecoveryCode(`${user}-${n}`, codes[n][0])).rejects.toBeInstanceOf(
          RecoveryCodeStoreUnavailableException,
        );
        await expect(mfa.getRecoveryCodeStatus(`${user}-${n}`)).rejects.toBeInstanceOf(
          RecoveryCodeStoreUnavailableException,
        );
      }
    } finally {
      await stopped.resume();
      await cluster.waitUntilOk();
    }

    for (const [n, { mfa }] of apps.entries()) {
      // The same services and clients, once the Cluster is whole: every code is still there.
      const status = await waitFor(() => mfa.getRecoveryCodeStatus(`${user}-${n}`));
      expect(status.remaining).toBe(3);
      await expect(mfa.redeemRecoveryCode(`${user}-${n}`, codes[n][0])).resolves.toEqual({
        remaining: 2,
      });
    }
    for (const { moduleRef } of apps) await moduleRef.close();
  }, 60_000);
});

/** Polls until `check` resolves truthy (rejections count as not yet), for up to 20 s. */
async function waitFor<T>(check: () => Promise<T>): Promise<T> {
  const until = Date.now() + 20_000;
  for (;;) {
    const result = await check().catch(() => undefined);
    if (result) return result;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
