import { Module, type DynamicModule } from '@nestjs/common';
// A real app imports these from '@nest-auth/mfa'; the demo runs the library's source.
import { MfaModule } from '../../src/index.js';
import { DemoAccounts } from './demo-accounts.js';
import { DemoController } from './demo.controller.js';
import { DemoMailbox } from './demo-mailbox.js';
import { DemoSessions } from './demo-sessions.js';

/** The response method the demo's hooks use (Express). */
interface CookieResponse {
  setHeader(name: string, value: string): unknown;
}

/** Settings the demo reads from the environment. */
export interface DemoSettings {
  /** `attemptWindowMs`: how long a lockout lasts. Default: the library's 15 minutes. */
  attemptWindowMs?: number;
}

/**
 * The demo app: accounts with a password and an authenticator (TOTP), the library's ready-made
 * routes on the in-memory store, and a mailbox of the notices the app would send.
 */
@Module({})
export class DemoModule {
  static create(settings: DemoSettings = {}): DynamicModule {
    const accounts = new DemoAccounts();
    const sessions = new DemoSessions(accounts);
    const mailbox = new DemoMailbox();
    return {
      module: DemoModule,
      imports: [
        MfaModule.forRoot({
          // POST/PUT/GET/DELETE /me/mfa/recovery-codes, POST /me/mfa/recovery-codes/redeem and
          // POST /me/mfa/reset. Generate, status and revoke need a full session; redeem and reset
          // also take an MFA-pending one, which is what a user who lost the authenticator has.
          routes: {
            // A redeemed code stands in for the second factor: the session becomes full.
            onRedeemed: ({ user, response }) => {
              (response as CookieResponse).setHeader('Set-Cookie', sessions.signedIn(user.id));
            },
          },
          // { id, name, mfaPending, authenticatedAt }: @Auth() refuses a pending session (401
          // mfa_required) unless the route says `allowMfaPending`.
          authenticate: (request) => sessions.userFor(request),
          // A reset removes the authenticator: the next step is to enrol a new one.
          onMfaReset: (userId) => accounts.disableMfa(userId),
          // Codes issued or replaced, a code used, codes revoked, a lockout: never a code.
          notify: (notice) => mailbox.deliver(notice),
          attemptWindowMs: settings.attemptWindowMs,
        }),
      ],
      controllers: [DemoController],
      providers: [
        { provide: DemoAccounts, useValue: accounts },
        { provide: DemoSessions, useValue: sessions },
        { provide: DemoMailbox, useValue: mailbox },
      ],
    };
  }
}
