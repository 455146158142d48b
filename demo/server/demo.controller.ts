import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Post,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import { Auth, CurrentUser, type NestAuthRequest } from '../../src/index.js';
import { DemoAccounts, MIN_PASSWORD_LENGTH } from './demo-accounts.js';
import { DemoMailbox, type DemoMail } from './demo-mailbox.js';
import { DemoSessions, type DemoUser } from './demo-sessions.js';
import { otpauthUri } from './totp.js';

/** The response methods this controller uses (Express). */
interface CookieResponse {
  setHeader(name: string, value: string): unknown;
}

/** What the page learns about the session. */
export interface DemoSessionView {
  user: { name: string; mfaEnabled: boolean; mfaPending: boolean } | null;
}

/** The body of the sign-up and sign-in forms. */
interface Credentials {
  name?: unknown;
  password?: unknown;
}

/** The body of a form with a TOTP code. */
interface CodeBody {
  code?: unknown;
}

// Errors carry sentences a person would write; the page shows `message` as it is.
const refuse = {
  badName: () =>
    new BadRequestException({
      statusCode: 400,
      error: 'bad_name',
      message: 'Choose a name of 1 to 40 letters, digits or spaces.',
    }),
  shortPassword: () =>
    new BadRequestException({
      statusCode: 400,
      error: 'short_password',
      message: `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`,
    }),
  nameTaken: (name: string) =>
    new ConflictException({
      statusCode: 409,
      error: 'name_taken',
      message: `There is already an account called ${name}. Sign in, or choose another name.`,
    }),
  wrongPassword: () =>
    new UnauthorizedException({
      statusCode: 401,
      error: 'invalid_credentials',
      message: "That name and password don't match an account. Check both and try again.",
    }),
  wrongTotp: () =>
    new UnauthorizedException({
      statusCode: 401,
      error: 'invalid_totp',
      message:
        "That code doesn't match. Type the 6 digits your authenticator shows now, and try again.",
    }),
};

/**
 * DEMO ONLY: accounts, password sign-in, the authenticator step and enrolment, and the mailbox.
 * The recovery code routes are the library's own (`routes: true`).
 */
@Controller('demo')
export class DemoController {
  constructor(
    private readonly accounts: DemoAccounts,
    private readonly sessions: DemoSessions,
    private readonly mailbox: DemoMailbox,
  ) {}

  @Get('session')
  @Header('Cache-Control', 'no-store')
  current(@Req() request: NestAuthRequest): DemoSessionView {
    return this.view(this.sessions.userFor(request));
  }

  /** Sign-up: a name and a password. The new session is full: there is no second factor yet. */
  @Post('accounts')
  async signUp(
    @Body() body: Credentials | undefined,
    @Res({ passthrough: true }) response: CookieResponse,
  ): Promise<DemoSessionView> {
    const account = await this.accounts.signUp(body?.name, body?.password);
    if (account === 'bad_name') throw refuse.badName();
    if (account === 'short_password') throw refuse.shortPassword();
    if (account === 'name_taken') throw refuse.nameTaken(String(body?.name).trim());
    response.setHeader('Set-Cookie', this.sessions.signedIn(account.id));
    return this.viewOf(account.id, false);
  }

  /** Sign-in, first step. With an authenticator, the session is MFA-pending. */
  @Post('session')
  @HttpCode(HttpStatus.OK)
  async signIn(
    @Body() body: Credentials | undefined,
    @Res({ passthrough: true }) response: CookieResponse,
  ): Promise<DemoSessionView> {
    const account = await this.accounts.checkPassword(body?.name, body?.password);
    if (!account) throw refuse.wrongPassword();
    response.setHeader('Set-Cookie', this.sessions.afterPassword(account.id));
    return this.viewOf(account.id, this.accounts.mfaEnabled(account.id));
  }

  /** Sign-in, second step: the code from the authenticator completes the session. */
  @Auth({ allowMfaPending: true })
  @Post('session/totp')
  @HttpCode(HttpStatus.OK)
  totp(
    @CurrentUser() user: DemoUser,
    @Body() body: CodeBody | undefined,
    @Res({ passthrough: true }) response: CookieResponse,
  ): DemoSessionView {
    if (!this.accounts.verifySecondFactor(user.id, body?.code)) throw refuse.wrongTotp();
    response.setHeader('Set-Cookie', this.sessions.signedIn(user.id));
    return this.viewOf(user.id, false);
  }

  @Delete('session')
  @HttpCode(HttpStatus.NO_CONTENT)
  signOut(@Res({ passthrough: true }) response: CookieResponse): void {
    response.setHeader('Set-Cookie', this.sessions.signOut());
  }

  /** Enrolment, first step: a new secret for the authenticator. `@Auth()`: a full session. */
  @Auth()
  @Post('authenticator')
  @Header('Cache-Control', 'no-store')
  beginEnrolment(@CurrentUser() user: DemoUser): { secret: string; uri: string } {
    const secret = this.accounts.beginEnrolment(user.id);
    return { secret, uri: otpauthUri(secret, user.name, '@nest-auth/mfa demo') };
  }

  /** Enrolment, second step: a code from the new secret turns MFA on. */
  @Auth()
  @Post('authenticator/confirm')
  @HttpCode(HttpStatus.OK)
  confirmEnrolment(
    @CurrentUser() user: DemoUser,
    @Body() body: CodeBody | undefined,
    @Res({ passthrough: true }) response: CookieResponse,
  ): DemoSessionView {
    if (!this.accounts.confirmEnrolment(user.id, body?.code)) throw refuse.wrongTotp();
    response.setHeader('Set-Cookie', this.sessions.signedIn(user.id));
    return this.viewOf(user.id, false);
  }

  /**
   * The messages the app would have emailed. A mailbox is not the app, so the demo shows it to
   * any session of the account, pending or not.
   */
  @Auth({ allowMfaPending: true })
  @Get('mailbox')
  @Header('Cache-Control', 'no-store')
  inbox(@CurrentUser('id') userId: string): { messages: DemoMail[] } {
    return { messages: this.mailbox.inbox(userId) };
  }

  private view(user: DemoUser | null): DemoSessionView {
    return user ? this.viewOf(user.id, user.mfaPending) : { user: null };
  }

  private viewOf(id: string, mfaPending: boolean): DemoSessionView {
    return {
      user: {
        name: this.accounts.nameOf(id) ?? id,
        mfaEnabled: this.accounts.mfaEnabled(id),
        mfaPending,
      },
    };
  }
}
