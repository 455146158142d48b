import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { MfaService, type MfaEvent } from '../../src/index.js';

/**
 * What the app would email. The shape of the standards issue's `MfaNotice` (kind, userId,
 * remaining, timestamp, one field per kind), so `notify: (notice) => mailbox.deliver(notice)`
 * can replace the `events$` subscription below. It never carries a code.
 */
export interface DemoNotice {
  kind: 'codes_issued' | 'code_used' | 'codes_revoked' | 'locked_out';
  userId: string;
  /** Unused codes left, when the event says. */
  remaining?: number;
  timestamp: Date;
  /** codes_issued: whether the new codes replace earlier ones. */
  replaced?: boolean;
  /** code_used: what the code was used for. */
  purpose?: 'redeem' | 'reset';
  /** locked_out: until an admin or a new set lifts it, rather than for a while. */
  permanent?: boolean;
}

/** One message in the mailbox panel. */
export interface DemoMail {
  at: string;
  subject: string;
  body: string;
}

/** DEMO ONLY: each user's inbox, in memory; the newest message first, at most 20. */
@Injectable()
export class DemoMailbox {
  private readonly inboxes = new Map<string, DemoMail[]>();

  deliver(notice: DemoNotice): void {
    const inbox = this.inboxes.get(notice.userId) ?? [];
    inbox.unshift({ at: notice.timestamp.toISOString(), ...compose(notice) });
    this.inboxes.set(notice.userId, inbox.slice(0, 20));
  }

  inbox(userId: string): DemoMail[] {
    return this.inboxes.get(userId) ?? [];
  }
}

/**
 * Feeds the mailbox from `MfaService.events$` until the library has `notify`. Then delete this
 * class and pass `notify: (notice) => mailbox.deliver(notice)` to `MfaModule.forRoot()`.
 */
@Injectable()
export class DemoMailboxFeed implements OnModuleInit, OnModuleDestroy {
  private subscription?: Subscription;

  constructor(
    private readonly mfa: MfaService,
    private readonly mailbox: DemoMailbox,
  ) {}

  onModuleInit(): void {
    this.subscription = this.mfa.events$.subscribe((event) => {
      const notice = toNotice(event);
      if (notice) this.mailbox.deliver(notice);
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}

function toNotice(event: MfaEvent): DemoNotice | null {
  const { userId, timestamp } = event;
  switch (event.type) {
    case 'generated':
      return {
        kind: 'codes_issued',
        userId,
        timestamp,
        replaced: event.replaced,
        remaining: event.replaced ? event.count : undefined,
      };
    case 'used':
      return {
        kind: 'code_used',
        userId,
        timestamp,
        purpose: event.purpose,
        remaining: event.remaining,
      };
    case 'revoked':
      return { kind: 'codes_revoked', userId, timestamp, remaining: 0 };
    case 'locked_out':
      return { kind: 'locked_out', userId, timestamp, permanent: false };
    default:
      return null;
  }
}

const IF_NOT_YOU = "If this wasn't you, change your password and generate new recovery codes.";

function compose(notice: DemoNotice): Omit<DemoMail, 'at'> {
  const left =
    notice.remaining === undefined
      ? ''
      : ` You have ${notice.remaining} recovery code${notice.remaining === 1 ? '' : 's'} left.`;
  switch (notice.kind) {
    case 'codes_issued':
      return notice.replaced
        ? {
            subject: 'New recovery codes',
            body: `A new set of recovery codes was created for your account; any earlier codes no longer work.${left} ${IF_NOT_YOU}`,
          }
        : {
            subject: 'A new recovery code',
            body: `A recovery code was added to your account.${left} ${IF_NOT_YOU}`,
          };
    case 'code_used':
      return notice.purpose === 'reset'
        ? {
            subject: 'Two-step sign-in was turned off',
            body: `A recovery code was used to reset two-step sign-in on your account. Set up an authenticator again.${left} ${IF_NOT_YOU}`,
          }
        : {
            subject: 'A recovery code was used to sign in',
            body: `Someone signed in to your account with a recovery code.${left} ${IF_NOT_YOU}`,
          };
    case 'codes_revoked':
      return {
        subject: 'Recovery codes revoked',
        body: `Every recovery code of your account was revoked. ${IF_NOT_YOU}`,
      };
    case 'locked_out':
      return notice.permanent
        ? {
            subject: 'Recovery codes locked',
            body: 'Too many wrong recovery codes were tried on your account, so recovery codes are locked until you generate a new set or support unlocks them.',
          }
        : {
            subject: 'Too many wrong recovery codes',
            body: "Too many wrong recovery codes were tried on your account, so recovery codes are locked for a while. If this wasn't you, someone may know your password: change it.",
          };
  }
}
