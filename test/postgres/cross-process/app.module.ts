import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { MfaModule } from '../../../src/index.js';
import { PostgresRecoveryCodeStore } from '../../../src/postgres/index.js';
import { MfaController } from './mfa.controller.js';

/** The app's own `pg` pool, shared with the recovery code store. */
export const PG_POOL = Symbol('PG_POOL');

@Module({
  providers: [
    {
      provide: PG_POOL,
      useFactory: () => {
        const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
        pool.on('error', () => undefined);
        return pool;
      },
    },
  ],
  exports: [PG_POOL],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * One instance of a multi-instance app: its own pool on the shared database. The environment
 * sets `DATABASE_URL`, `MFA_MAX_ATTEMPTS`, optionally `MFA_WINDOW_MS` and
 * `MFA_MAX_CONSECUTIVE_FAILURES`, and, to make `onMfaReset` throw, `MFA_FAIL_RESET=1`.
 */
@Module({
  imports: [
    DatabaseModule,
    MfaModule.forRootAsync({
      imports: [DatabaseModule],
      inject: [PG_POOL],
      useFactory: async (pool: Pool) => {
        const store = new PostgresRecoveryCodeStore({ pool });
        await store.migrate();
        return {
          store,
          hashing: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
          maxAttempts: Number(process.env.MFA_MAX_ATTEMPTS ?? 5),
          attemptWindowMs: Number(process.env.MFA_WINDOW_MS ?? 900_000),
          maxConsecutiveFailures: Number(process.env.MFA_MAX_CONSECUTIVE_FAILURES ?? 100),
          authenticate: (request) => {
            const id = request.headers['x-user-id'];
            return typeof id === 'string' && id !== '' ? { id } : null;
          },
          onMfaReset: () => {
            if (process.env.MFA_FAIL_RESET === '1') throw new Error('could not disable MFA');
          },
        };
      },
    }),
  ],
  controllers: [MfaController],
})
export class AppModule {}
