import type { MfaNotice } from '../../src/index.js';

/** One message in the mailbox panel. */
export interface DemoMail {
  at: string;
  subject: string;
  body: string;
}

/**
 * DEMO ONLY: each user's inbox, in memory; the newest message first, at most 20. The library's
 * `notify` option delivers here: what a real app would turn into an email.
 */
export class DemoMailbox {
  private readonly inboxes = new Map<string, DemoMail[]>();

  deliver(notice: MfaNotice): void {
    const inbox = this.inboxes.get(notice.userId) ?? [];
    inbox.unshift({ at: notice.timestamp.toISOString(), ...compose(notice) });
    this.inboxes.set(notice.userId, inbox.slice(0, 20));
  }

  inbox(userId: string): DemoMail[] {
    return this.inboxes.get(userId) ?? [];
  }
}

const IF_NOT_YOU = "If this wasn't you, change your password and generate new recovery codes.";

function compose(notice: MfaNotice): Omit<DemoMail, 'at'> {
  const left =
    notice.remaining === null
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
