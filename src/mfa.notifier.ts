import type { LoggerService } from '@nestjs/common';
import type { MfaNotice, MfaNotify } from './mfa.notices.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** @internal A notice as the service hands it over: the count may still have to be read. */
export type PendingNotice = DistributiveOmit<MfaNotice, 'timestamp' | 'remaining'> & {
  /** The count, or how to read it (called only when a `notify` is configured). */
  remaining: number | (() => Promise<number>);
};

/**
 * @internal Delivers notices to the app's `notify` off the request path: after the current call
 * has returned, never awaited by it. A notify that throws, rejects or hangs changes no result.
 */
export class MfaNotifier {
  constructor(
    private readonly notify: MfaNotify | undefined,
    private readonly logger: Pick<LoggerService, 'error' | 'warn'>,
  ) {}

  /**
   * Queues a notice, stamped now. A count to read is read now too (not awaited), so it reflects
   * the action rather than whatever happens next. Does nothing without a `notify` option.
   */
  send(notice: PendingNotice): void {
    const notify = this.notify;
    if (!notify) return;
    const timestamp = new Date();
    const { kind, userId } = notice;
    const remaining =
      typeof notice.remaining === 'number'
        ? notice.remaining
        : notice.remaining().catch((error: unknown) => {
            this.logger.warn(
              `Could not count the recovery codes of user ${userId} for a ${kind} notice: ${describe(error)}`,
            );
            return null;
          });
    // setImmediate: the action's result reaches its caller before any notice work starts.
    setImmediate(() => void this.deliver(notify, notice, remaining, timestamp));
  }

  private async deliver(
    notify: MfaNotify,
    pending: PendingNotice,
    count: number | Promise<number | null>,
    timestamp: Date,
  ): Promise<void> {
    const { kind, userId } = pending;
    const remaining = await count;
    try {
      // Inside the try, so a notify that throws synchronously is caught like one that rejects.
      await notify({ ...pending, remaining, timestamp } as MfaNotice);
    } catch (error) {
      // Kind and user id only: the notice itself is the app's business.
      this.logger.error(`notify failed for a ${kind} notice of user ${userId}: ${describe(error)}`);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}
