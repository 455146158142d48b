import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import {
  Auth,
  CurrentUser,
  MfaService,
  RedeemRecoveryCodeDto,
  ResetMfaDto,
} from '../../../src/index.js';

/**
 * Generate (one code or a set), redeem, reset, status and unlock for the user named by the
 * `x-user-id` header. Unlock stands in for an admin action.
 */
@Controller()
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Auth()
  @Post('codes')
  generate(@CurrentUser('id') userId: string) {
    return this.mfa.generateRecoveryCode(userId);
  }

  @Auth()
  @Put('codes')
  @HttpCode(200)
  generateSet(@CurrentUser('id') userId: string) {
    return this.mfa.generateRecoveryCodes(userId, 3);
  }

  @Auth()
  @Post('unlock')
  @HttpCode(200)
  async unlock(@CurrentUser('id') userId: string) {
    await this.mfa.unlockRecoveryCodes(userId);
    return { unlocked: true };
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
