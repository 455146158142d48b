/**
 * `@nest-auth/mfa/testing`: the conformance suites for store adapters. Needs `@jest/globals`.
 * @module @nest-auth/mfa/testing
 */
export {
  describeRecoveryCodeStore,
  type RecoveryCodeStoreFactory,
  type RecoveryCodeStoreFixture,
} from './describe-recovery-code-store.js';
export {
  describeAttemptStore,
  type AttemptStoreFactory,
  type AttemptStoreFixture,
  type AttemptStoreSuiteOptions,
} from './describe-attempt-store.js';
