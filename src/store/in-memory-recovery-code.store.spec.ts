import { describeAttemptStore } from '../testing/describe-attempt-store.js';
import { describeRecoveryCodeStore } from '../testing/describe-recovery-code-store.js';
import { InMemoryRecoveryCodeStore } from './in-memory-recovery-code.store.js';

describeRecoveryCodeStore('InMemoryRecoveryCodeStore', () => ({
  store: new InMemoryRecoveryCodeStore(),
}));

describeAttemptStore('InMemoryRecoveryCodeStore', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  return {
    attemptStore: new InMemoryRecoveryCodeStore({ now: () => now }),
    advanceTime: (ms) => {
      now += ms;
    },
  };
});

describeAttemptStore(
  'InMemoryRecoveryCodeStore on the real clock',
  () => ({ attemptStore: new InMemoryRecoveryCodeStore() }),
  { realWindowMs: 200 },
);
