// The Redis rows of the store table: a standalone server, through node-redis and through ioredis.
// Optional: skipped, with the reason, when there is no built `@nest-auth/mfa/redis` or no
// redis-server to start.
import { Redis } from 'ioredis';
import { existsSync } from 'node:fs';
import { createClient } from 'redis';
import { startThrowawayRedis } from '../lib/redis-server.mjs';
import { measureStore } from './store.mjs';

/** The store class, through the export map, else straight from dist/ while the export is new. */
export async function loadRedisStore() {
  try {
    return (await import('@nest-auth/mfa/redis')).RedisRecoveryCodeStore;
  } catch {
    const built = new URL('../../dist/redis/index.js', import.meta.url);
    if (!existsSync(built)) return undefined;
    return (await import(built.href).catch(() => undefined))?.RedisRecoveryCodeStore;
  }
}

/** A connected client of either package, and how to close it. */
export async function connectRedis(kind, url) {
  if (kind === 'ioredis') {
    const client = new Redis(url);
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('ready', resolve));
    return { client, close: async () => client.disconnect() };
  }
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  return { client, close: async () => client.destroy() };
}

export const REDIS_CLIENTS = ['node-redis', 'ioredis'];

export async function runRedisSuite({ rounds, digest, cleanup }) {
  const RedisRecoveryCodeStore = await loadRedisStore();
  if (!RedisRecoveryCodeStore) {
    return { skipped: '`dist/redis` does not exist yet (`@nest-auth/mfa/redis` is not built)' };
  }
  const server = await startThrowawayRedis({ appendOnly: true });
  if (server.skipped) return { skipped: server.skipped };
  cleanup.push(server.stop);
  const clients = {};
  try {
    for (const kind of REDIS_CLIENTS) {
      const { client, close } = await connectRedis(kind, server.url);
      try {
        const store = new RedisRecoveryCodeStore({ client });
        clients[kind] = await measureStore(store, { rounds, digest, prefix: `redis-${kind}` });
      } finally {
        await close();
      }
    }
    return {
      source: `throwaway standalone server (${server.settings}, loopback TCP)`,
      version: server.version,
      clients,
    };
  } catch (error) {
    return { skipped: `Redis store failed: ${error instanceof Error ? error.message : error}` };
  } finally {
    await server.stop();
  }
}
