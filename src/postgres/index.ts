/**
 * `@nest-auth/mfa/postgres`: the PostgreSQL store. Needs the optional peer dependency `pg`.
 * @module @nest-auth/mfa/postgres
 */
export { PostgresRecoveryCodeStore } from './postgres-recovery-code.store.js';
export type {
  PostgresRecoveryCodeStoreConnectionOptions,
  PostgresRecoveryCodeStoreOptions,
  PostgresRecoveryCodeStorePoolOptions,
  PostgresRecoveryCodeStoreTableOptions,
} from './postgres-recovery-code-store-options.interface.js';
