import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  Auth,
  CurrentUser,
  MfaService,
  RedeemRecoveryCodeDto,
  ResetMfaDto,
} from '../../../src/index.js';

/** Generate, redeem, reset and status for the user named by the `x-user-id` header. */
@Controller()
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Auth()
  @Post('codes')
  generate(@CurrentUser('id') userId: string) {
    return this.mfa.generateRecoveryCode(userId);
  }

  @Auth()
  @Post('redeem')
  @HttpCode(200)
  redeem(@CurrentUser('id') userId: string, @Body() body: RedeemRecoveryCodeDto) {
    return this.mfa.redeemRecoveryCode(userId, body.code);
  }

  @Auth()
  @Post('reset')
  @HttpCode(200)
  async reset(@CurrentUser('id') userId: string, @Body() body: ResetMfaDto) {
    await this.mfa.resetMfa(userId, body.code);
    return { reset: true };
  }

  @Auth()
  @Get('status')
  status(@CurrentUser('id') userId: string) {
    return this.mfa.getRecoveryCodeStatus(userId);
  }
}
