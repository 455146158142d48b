import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Auth, CurrentUser, MfaService, ResetMfaDto, type NestAuthUser } from '@nest-auth/mfa';

// The product page's controller, verbatim, plus the README's reset endpoint, which a session that
// still owes the second factor may call.
@Controller()
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Auth()
  @Post('me/mfa/recovery-codes')
  generate(@CurrentUser() user: NestAuthUser) {
    return this.mfa.generateRecoveryCode(user.id);
  }

  @Auth({ allowMfaPending: true })
  @Post('me/mfa/reset')
  @HttpCode(200)
  async reset(@CurrentUser() user: NestAuthUser, @Body() body: ResetMfaDto) {
    await this.mfa.resetMfa(user.id, body.code);
    return { reset: true };
  }
}
