import { InMemoryRecoveryCodeStore } from '../../src/store/in-memory-recovery-code.store.js';
import type { RecoveryCodeStore } from '../../src/store/recovery-code-store.interface.js';

/** One call a store received, with its arguments as the store saw them. */
export interface StoreCall {
  method: keyof RecoveryCodeStore;
  args: unknown[];
}

/**
 * The in-memory store, recording every call and letting a test make chosen methods fail, so
 * specs can assert what a store sees and how the service behaves when it breaks.
 */
export class RecordingStore extends InMemoryRecoveryCodeStore {
  readonly calls: StoreCall[] = [];
  readonly failing = new Set<keyof RecoveryCodeStore>();

  constructor(options: ConstructorParameters<typeof InMemoryRecoveryCodeStore>[0] = {}) {
    super(options);
    const methods: (keyof RecoveryCodeStore)[] = [
      'replaceAll',
      'append',
      'findActive',
      'consume',
      'restore',
      'status',
      'revokeAll',
      'reserveAttempt',
      'resetAttempts',
    ];
    for (const method of methods) {
      const original = (this[method] as (...a: unknown[]) => Promise<unknown>).bind(this);
      (this as Record<string, unknown>)[method] = async (...args: unknown[]) => {
        this.calls.push({ method, args });
        if (this.failing.has(method)) {
          throw new Error(`connection refused: postgres://admin:hunter2@db.internal/${method}`);
        }
        return original(...args);
      };
    }
  }

  /** Everything the store was ever given, as one string. */
  seen(): string {
    return JSON.stringify(this.calls);
  }
}
