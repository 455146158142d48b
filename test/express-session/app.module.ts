import { Body, Controller, Get, HttpCode, Module, Post, Req } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import session from 'express-session';
import { MfaModule, type NestAuthRequest, type NestAuthUser } from '../../src/index.js';
import { FAST_HASHING } from '../utils/test-app.js';

/** `routes.maxAuthAge` of the app. */
export const MAX_AUTH_AGE = 300_000;

/** What the app keeps in the session: a `Date` when it is stored, a string once it is read back. */
interface SessionUser extends NestAuthUser {
  mfaPending: boolean;
  authenticatedAt: Date | string;
}

type SessionRequest = NestAuthRequest & { session: session.Session & { user?: SessionUser } };

/** The password step, and what the session holds (to show the Date came back as a string). */
@Controller('auth')
export class SessionController {
  @Post('login')
  @HttpCode(200)
  login(
    @Req() request: SessionRequest,
    @Body() body: { userId: string; mfaEnrolled?: boolean; signedInAgoMs?: number },
  ) {
    request.session.user = {
      id: body.userId,
      // A user without MFA enrolled owes no second factor, so first-time enrolment works.
      mfaPending: body.mfaEnrolled ?? true,
      authenticatedAt: new Date(Date.now() - (body.signedInAgoMs ?? 0)),
    };
    return { signedIn: body.userId };
  }

  @Get('session')
  current(@Req() request: SessionRequest) {
    const at = request.session.user?.authenticatedAt;
    return { user: request.session.user, authenticatedAtType: typeof at };
  }
}

/**
 * An express-session app with its default MemoryStore, which keeps sessions as JSON: a stored
 * `Date` comes back as an ISO string. `authenticate` reads the session; `onRedeemed` finishes the
 * sign-in in it.
 */
@Module({
  imports: [
    MfaModule.forRoot({
      hashing: FAST_HASHING,
      authenticate: (request) => (request as SessionRequest).session.user ?? null,
      routes: {
        maxAuthAge: MAX_AUTH_AGE,
        onRedeemed: ({ request, user }) => {
          (request as SessionRequest).session.user = {
            id: user.id,
            mfaPending: false,
            authenticatedAt: new Date(),
          };
        },
      },
      onMfaReset: () => undefined,
    }),
  ],
  controllers: [SessionController],
})
export class SessionAppModule {}

/** The session middleware, as an app's `main.ts` installs it. */
export function useSessions(app: INestApplication): void {
  app.use(session({ secret: 'test-only-session-secret', resave: false, saveUninitialized: false }));
}
