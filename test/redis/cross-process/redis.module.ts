import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { createClient } from 'redis';

/** The app's own Redis client, shared with whatever else needs Redis. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

type AppRedisClient = Redis | ReturnType<typeof createClient>;

/**
 * The app's Redis connection: node-redis, or ioredis with `MFA_REDIS_CLIENT=ioredis`, on
 * `REDIS_URL`. Connected before the app serves requests, closed on shutdown.
 */
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      useFactory: async (): Promise<AppRedisClient> => {
        const url = process.env.REDIS_URL;
        if (process.env.MFA_REDIS_CLIENT === 'ioredis') {
          const client = new Redis(url ?? 'redis://127.0.0.1:6379', {
            retryStrategy: (times) => Math.min(50 * 2 ** times, 500),
          });
          client.on('error', () => undefined);
          await new Promise((resolve) => client.once('ready', resolve));
          return client;
        }
        const client = createClient({
          url,
          socket: { reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 500) },
        });
        client.on('error', () => undefined);
        await client.connect();
        return client;
      },
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly client: AppRedisClient) {}

  onApplicationShutdown(): void {
    if (this.client instanceof Redis) this.client.disconnect();
    else if (this.client.isOpen) this.client.destroy();
  }
}
