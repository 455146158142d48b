import { Module, type DynamicModule } from '@nestjs/common';
// A real app imports these from '@nest-auth/mfa'; the demo runs the library's source.
import { MfaModule } from '../../src/index.js';
import { DemoSessionController } from './demo-session.controller.js';
import { DemoSessions } from './demo-session.js';
import { DemoUsers } from './demo-users.js';

/** The demo app: the ready-made routes on the in-memory store, and a demo-only sign-in. */
@Module({})
export class DemoModule {
  static create(): DynamicModule {
    const sessions = new DemoSessions();
    const users = new DemoUsers();
    return {
      module: DemoModule,
      imports: [
        MfaModule.forRoot({
          // POST/PUT/GET/DELETE /me/mfa/recovery-codes, POST /me/mfa/recovery-codes/redeem,
          // POST /me/mfa/reset, all behind @Auth().
          routes: true,
          authenticate: (request) => sessions.userFor(request),
          onMfaReset: (userId) => users.disableMfa(userId),
        }),
      ],
      controllers: [DemoSessionController],
      providers: [
        { provide: DemoSessions, useValue: sessions },
        { provide: DemoUsers, useValue: users },
      ],
    };
  }
}
