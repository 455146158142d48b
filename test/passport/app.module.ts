import {
  Body,
  Controller,
  Get,
  HttpCode,
  Injectable,
  Module,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import {
  Auth,
  CurrentUser,
  MfaModule,
  MfaService,
  RedeemRecoveryCodeDto,
  type NestAuthRequest,
  type NestAuthUser,
} from '../../src/index.js';
import { FAST_HASHING } from '../utils/test-app.js';

export const JWT_SECRET = 'test-only-secret-of-the-passport-app';
/** The request property passport sets, instead of `user`. */
export const USER_PROPERTY = 'principal';
/** `routes.maxAuthAge` of the app. */
export const MAX_AUTH_AGE = 300_000;
export const MAX_ATTEMPTS = 2;

/** The claims of the app's access tokens. */
export interface AccessClaims {
  sub: string;
  /** When the user last proved who they are, in seconds (OpenID Connect `auth_time`). */
  auth_time: number;
  /** `true` after the password step, until the second factor. */
  mfa_pending: boolean;
}

/** The user the app's tokens describe, in the shape `@Auth()` reads. */
export function userFromClaims(claims: AccessClaims): NestAuthUser {
  return {
    id: claims.sub,
    mfaPending: claims.mfa_pending,
    // JWT times are seconds; `auth_time`, not `iat`, because a refresh resets `iat`.
    authenticatedAt: claims.auth_time * 1000,
  };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** passport-jwt, verifying the app's bearer tokens. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor() {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: JWT_SECRET,
      ignoreExpiration: false,
    });
  }

  validate(claims: AccessClaims): NestAuthUser {
    return userFromClaims(claims);
  }
}

/** Signs the app's tokens; the MFA module's `onRedeemed` injects it too. */
@Module({
  imports: [JwtModule.register({ secret: JWT_SECRET })],
  exports: [JwtModule],
})
export class TokensModule {}

/** The password step: a token that still owes the second factor. */
@Controller('auth')
export class LoginController {
  constructor(private readonly jwt: JwtService) {}

  @Post('login')
  @HttpCode(200)
  login(@Body() body: { userId: string }) {
    const claims: AccessClaims = { sub: body.userId, auth_time: nowSeconds(), mfa_pending: true };
    return { accessToken: this.jwt.sign(claims, { expiresIn: '15m' }) };
  }
}

/**
 * App routes guarded by passport: one with `@Auth()` (below the passport guard), one without it,
 * which calls `MfaService` directly and must still send `Retry-After` on a lockout.
 */
@Controller('account')
export class AccountController {
  constructor(private readonly mfa: MfaService) {}

  @Auth()
  @UseGuards(AuthGuard('jwt'))
  @Get('me')
  me(@CurrentUser() user: NestAuthUser) {
    return user;
  }

  @UseGuards(AuthGuard('jwt'))
  @Post('redeem')
  @HttpCode(200)
  redeem(@Req() request: NestAuthRequest, @Body() body: RedeemRecoveryCodeDto) {
    const user = request[USER_PROPERTY] as NestAuthUser;
    return this.mfa.redeemRecoveryCode(user.id, body.code);
  }
}

/** Users whose MFA is on. */
export const usersWithMfa = new Set<string>();

/**
 * A passport-jwt + @nestjs/jwt app: passport sets `request.principal`, the ready-made routes run
 * `AuthGuard('jwt')` through `routes.guards`, and a redeem issues a fully signed-in token through
 * `onRedeemed`, built in the `forRootAsync` factory with the injected `JwtService`.
 */
@Module({
  imports: [
    PassportModule.register({ property: USER_PROPERTY }),
    TokensModule,
    MfaModule.forRootAsync({
      imports: [TokensModule],
      inject: [JwtService],
      routes: { guards: [AuthGuard('jwt')], maxAuthAge: MAX_AUTH_AGE },
      useFactory: (jwt: JwtService) => ({
        hashing: FAST_HASHING,
        maxAttempts: MAX_ATTEMPTS,
        userProperty: USER_PROPERTY,
        onMfaReset: (userId) => void usersWithMfa.delete(userId),
        routes: {
          onRedeemed: ({ user }) => {
            // A recovery code is the second factor: the session is now fully signed in.
            const claims: AccessClaims = {
              sub: user.id,
              auth_time: nowSeconds(),
              mfa_pending: false,
            };
            return { accessToken: jwt.sign(claims, { expiresIn: '15m' }) };
          },
        },
      }),
    }),
  ],
  controllers: [LoginController, AccountController],
  providers: [JwtStrategy],
})
export class PassportAppModule {}

/**
 * Without passport: `authenticate` verifies the bearer token itself with `jwt.verify()`, which
 * throws on an expired or forged token.
 */
@Module({
  imports: [
    TokensModule,
    MfaModule.forRootAsync({
      imports: [TokensModule],
      inject: [JwtService],
      routes: true,
      useFactory: (jwt: JwtService) => ({
        hashing: FAST_HASHING,
        authenticate: (request) => {
          const header = request.headers.authorization;
          if (typeof header !== 'string' || !header.startsWith('Bearer ')) return null;
          return userFromClaims(jwt.verify<AccessClaims>(header.slice('Bearer '.length)));
        },
      }),
    }),
  ],
})
export class JwtVerifyAppModule {}
