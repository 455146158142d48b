import {
  Injectable,
  UnauthorizedException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { tap, type Observable } from 'rxjs';
import type { NestAuthRequest } from '../../src/index.js';
import { DemoSessions, type DemoUser } from './demo-sessions.js';

// STAND-INS FOR THE GUARD ISSUE (@Auth({ allowMfaPending }), routes.onRedeemed). Once the library
// does this itself, demo.module.ts drops both: `authenticate` returns `sessions.userFor(request)`
// as it is, and `routes: { onRedeemed }` finishes the sign-in.

/** The ready-made routes a password-only (MFA-pending) session may reach. */
const PENDING_MAY_CALL = new Set(['POST /me/mfa/recovery-codes/redeem', 'POST /me/mfa/reset']);

/**
 * What `@Auth()` does with the assurance model: an MFA-pending session gets 401 `mfa_required`
 * everywhere except redeem and reset. Without it, a password alone could mint a code and spend it
 * on a reset, and the second factor would protect nothing.
 */
export function refusePendingSessions(
  request: NestAuthRequest,
  user: DemoUser | null,
): DemoUser | null {
  if (!user?.mfaPending) return user;
  const url = typeof request.originalUrl === 'string' ? request.originalUrl : '';
  if (PENDING_MAY_CALL.has(`${String(request.method)} ${url.split('?')[0]}`)) return user;
  throw new UnauthorizedException({
    statusCode: 401,
    error: 'mfa_required',
    message: 'Finish signing in with your authenticator or a recovery code first.',
  });
}

/** What `routes.onRedeemed` does in the demo: a redeemed code completes the sign-in. */
@Injectable()
export class FinishSignInOnRedeem implements NestInterceptor {
  constructor(private readonly sessions: DemoSessions) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<NestAuthRequest>();
    const response = http.getResponse<{ setHeader(name: string, value: string): unknown }>();
    const url = typeof request.originalUrl === 'string' ? request.originalUrl.split('?')[0] : '';
    const redeeming = request.method === 'POST' && url === '/me/mfa/recovery-codes/redeem';
    return next.handle().pipe(
      tap(() => {
        const user = request.user as DemoUser | undefined;
        // Runs only after the code was spent: errors skip `tap`.
        if (redeeming && user) response.setHeader('Set-Cookie', this.sessions.signedIn(user.id));
      }),
    );
  }
}
