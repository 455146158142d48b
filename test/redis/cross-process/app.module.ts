import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { MfaModule, type MfaModuleOptions } from '../../../src/index.js';
import { PostgresRecoveryCodeStore } from '../../../src/postgres/index.js';
import { RedisRecoveryCodeStore, type RedisStoreClient } from '../../../src/redis/index.js';
import { DatabaseModule, PG_POOL } from '../../postgres/cross-process/app.module.js';
import { MfaController } from '../../postgres/cross-process/mfa.controller.js';
import { REDIS_CLIENT, RedisModule } from './redis.module.js';

/** Codes in PostgreSQL (`DATABASE_URL`) and counters in Redis, instead of both in Redis. */
const mixed = process.env.MFA_CODES === 'postgres';

const common: MfaModuleOptions = {
  hashing: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
  maxAttempts: Number(process.env.MFA_MAX_ATTEMPTS ?? 5),
  authenticate: (request) => {
    const id = request.headers['x-user-id'];
    return typeof id === 'string' && id !== '' ? { id } : null;
  },
  onMfaReset: () => undefined,
};

/**
 * One instance of a multi-instance app, wired from its existing Redis provider as the docs show:
 * `MfaModule.forRootAsync()` injects the client. The environment sets `REDIS_URL`,
 * `MFA_REDIS_CLIENT` (`node-redis` or `ioredis`), `MFA_MAX_ATTEMPTS` and, for the mixed setup,
 * `MFA_CODES=postgres` and `DATABASE_URL`.
 */
@Module({
  imports: [
    MfaModule.forRootAsync({
      imports: mixed ? [RedisModule, DatabaseModule] : [RedisModule],
      inject: mixed ? [REDIS_CLIENT, PG_POOL] : [REDIS_CLIENT],
      useFactory: async (client: RedisStoreClient, pool?: Pool) => {
        const redis = new RedisRecoveryCodeStore({ client, commandTimeoutMs: 1_000 });
        if (!pool) return { ...common, store: redis };
        const store = new PostgresRecoveryCodeStore({ pool });
        await store.migrate();
        return { ...common, store, attemptStore: redis };
      },
    }),
  ],
  controllers: [MfaController],
})
export class RedisAppModule {}
