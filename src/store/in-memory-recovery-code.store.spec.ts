import { describeRecoveryCodeStore } from '../testing/describe-recovery-code-store.js';
import { InMemoryRecoveryCodeStore } from './in-memory-recovery-code.store.js';

describeRecoveryCodeStore('InMemoryRecoveryCodeStore', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  return {
    store: new InMemoryRecoveryCodeStore({ now: () => now }),
    advanceTime: (ms) => {
      now += ms;
    },
  };
});

describeRecoveryCodeStore(
  'InMemoryRecoveryCodeStore on the real clock',
  () => ({
    store: new InMemoryRecoveryCodeStore(),
  }),
  { realWindowMs: 200 },
);
