/**
 * `@nest-auth/mfa/testing`: the conformance suite for store adapters. Needs `@jest/globals`.
 * @module @nest-auth/mfa/testing
 */
export {
  describeRecoveryCodeStore,
  type RecoveryCodeStoreFactory,
  type RecoveryCodeStoreFixture,
  type RecoveryCodeStoreSuiteOptions,
} from './describe-recovery-code-store.js';
