import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster } from 'redis';
import type { RedisStoreClient } from '../../src/redis/index.js';

/** The two client packages the store supports. */
export const CLIENT_KINDS = ['node-redis', 'ioredis'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** A connected client and how to close it. */
export interface TestRedisClient {
  client: RedisStoreClient;
  /** Runs one raw command, for assertions on what the store left in Redis. */
  command(args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

/** A connected standalone client of either package, reconnecting quickly after an outage. */
export async function connectStandalone(kind: ClientKind, url: string): Promise<TestRedisClient> {
  if (kind === 'node-redis') {
    const client = createClient({
      url,
      socket: { reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 500) },
    });
    client.on('error', () => undefined);
    await client.connect();
    return {
      client,
      command: (args) => client.sendCommand(args),
      close: async () => {
        if (client.isOpen) client.destroy();
      },
    };
  }
  const client = new Redis(url, { retryStrategy: (times) => Math.min(50 * 2 ** times, 500) });
  client.on('error', () => undefined);
  await new Promise((resolve) => client.once('ready', resolve));
  return {
    client,
    command: ([name, ...args]) => client.call(name, ...args),
    close: async () => client.disconnect(),
  };
}

/** A connected Cluster client of either package. */
export async function connectCluster(
  kind: ClientKind,
  nodes: { host: string; port: number }[],
): Promise<TestRedisClient> {
  if (kind === 'node-redis') {
    const client = createCluster({
      rootNodes: nodes.map(({ host, port }) => ({ socket: { host, port } })),
      defaults: { socket: { reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 500) } },
    });
    client.on('error', () => undefined);
    await client.connect();
    return {
      client,
      // Keyless commands go to any node; the tests only send keyed ones through here.
      command: (args) => client.sendCommand(args[1], false, args),
      close: async () => {
        if (client.isOpen) client.destroy();
      },
    };
  }
  const client = new Cluster(nodes, {
    clusterRetryStrategy: (times) => Math.min(50 * 2 ** times, 500),
  });
  client.on('error', () => undefined);
  await new Promise((resolve) => client.once('ready', resolve));
  return {
    client,
    command: ([name, ...args]) => client.call(name, ...args),
    close: async () => client.disconnect(),
  };
}
