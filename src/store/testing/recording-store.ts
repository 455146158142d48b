import type { AttemptStore } from '../attempt-store.interface.js';
import { InMemoryRecoveryCodeStore } from '../in-memory-recovery-code.store.js';
import type { RecoveryCodeStore } from '../recovery-code-store.interface.js';
import { ATTEMPT_STORE_METHODS } from '../is-attempt-store.js';

/** @internal A method of either store port. */
export type StoreMethod = keyof RecoveryCodeStore | keyof AttemptStore;

/** @internal One call a store received, with its arguments as the store saw them. */
export interface StoreCall {
  method: StoreMethod;
  args: unknown[];
}

/**
 * @internal The in-memory store (both ports), recording every call and letting a test make chosen
 * methods fail, so specs can assert what a store sees and how the service behaves when it breaks.
 */
export class RecordingStore extends InMemoryRecoveryCodeStore {
  readonly calls: StoreCall[] = [];
  readonly failing = new Set<StoreMethod>();

  constructor(options: ConstructorParameters<typeof InMemoryRecoveryCodeStore>[0] = {}) {
    super(options);
    const methods: StoreMethod[] = [
      'replaceAll',
      'append',
      'findActive',
      'consume',
      'restore',
      'status',
      'revokeAll',
      ...ATTEMPT_STORE_METHODS,
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
