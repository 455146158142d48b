import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { Auth, CurrentUser, type NestAuthRequest, type NestAuthUser } from '../../src/index.js';
import { DemoSessions } from './demo-session.js';
import { DemoUsers } from './demo-users.js';

/** The response methods this controller uses (Express). */
interface CookieResponse {
  setHeader(name: string, value: string): unknown;
}

/** What the page learns about the session. */
export interface DemoSessionView {
  user: { name: string; mfaEnabled: boolean } | null;
}

/** DEMO ONLY: sign in with a name, no password. See `DemoSessions`. */
@Controller('demo/session')
export class DemoSessionController {
  constructor(
    private readonly sessions: DemoSessions,
    private readonly users: DemoUsers,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  current(@Req() request: NestAuthRequest): DemoSessionView {
    return this.view(this.sessions.userFor(request));
  }

  @Post()
  @HttpCode(HttpStatus.OK)
  signIn(
    @Body() body: { name?: unknown } | undefined,
    @Res({ passthrough: true }) response: CookieResponse,
  ): DemoSessionView {
    const name = DemoSessions.parseName(body?.name);
    if (!name) {
      throw new BadRequestException(["name must be 1 to 40 letters, digits, spaces or . _ ' -"]);
    }
    response.setHeader('Set-Cookie', this.sessions.signIn(name));
    return this.view({ id: `demo:${name.toLowerCase()}`, name });
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  signOut(@Res({ passthrough: true }) response: CookieResponse): void {
    response.setHeader('Set-Cookie', this.sessions.signOut());
  }

  /** Stands in for enrolling a new authenticator after a reset. */
  @Auth()
  @Post('enroll')
  @HttpCode(HttpStatus.OK)
  enroll(@CurrentUser() user: NestAuthUser): DemoSessionView {
    this.users.enableMfa(user.id);
    return this.view(user);
  }

  private view(user: NestAuthUser | null): DemoSessionView {
    if (!user) return { user: null };
    return {
      user: { name: String(user.name ?? user.id), mfaEnabled: this.users.mfaEnabled(user.id) },
    };
  }
}
