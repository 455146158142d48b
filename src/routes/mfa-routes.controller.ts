import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Post,
  Put,
  UsePipes,
  type Type,
} from '@nestjs/common';
import { Auth } from '../auth/auth.decorator.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { GenerateRecoveryCodesDto } from '../dto/generate-recovery-codes.dto.js';
import { RedeemRecoveryCodeDto } from '../dto/redeem-recovery-code.dto.js';
import { ResetMfaDto } from '../dto/reset-mfa.dto.js';
import { MfaService } from '../mfa.service.js';
import type { RedeemRecoveryCodeResult } from '../mfa-results.interface.js';
import type { RecoveryCodeStatus } from '../store/recovery-code-store.interface.js';
import { MfaValidationPipe } from './mfa-validation.pipe.js';

/**
 * Options of the ready-made routes (`MfaModule.forRoot({ routes })`).
 * @publicApi
 */
export interface MfaRoutesOptions {
  /** Path prefix of the routes. Default: `'me/mfa'`. */
  path?: string;
}

/** @internal Default prefix of the ready-made routes. */
export const DEFAULT_MFA_ROUTES_PATH = 'me/mfa';

/**
 * @internal Builds the ready-made controller at `path`. Every route is behind `@Auth()`;
 * responses that carry codes send `Cache-Control: no-store`.
 */
export function createMfaRoutesController(path: string = DEFAULT_MFA_ROUTES_PATH): Type<unknown> {
  @Controller(path)
  @Auth()
  @UsePipes(MfaValidationPipe)
  class MfaRoutesController {
    constructor(readonly mfa: MfaService) {}

    @Post('recovery-codes')
    @Header('Cache-Control', 'no-store')
    generate(@CurrentUser('id') userId: string): Promise<{ code: string }> {
      return this.mfa.generateRecoveryCode(userId);
    }

    @Put('recovery-codes')
    @HttpCode(HttpStatus.OK)
    @Header('Cache-Control', 'no-store')
    replace(
      @CurrentUser('id') userId: string,
      @Body() body: GenerateRecoveryCodesDto,
    ): Promise<{ codes: string[] }> {
      return this.mfa.generateRecoveryCodes(userId, body.count);
    }

    @Get('recovery-codes')
    @Header('Cache-Control', 'no-store')
    status(@CurrentUser('id') userId: string): Promise<RecoveryCodeStatus> {
      return this.mfa.getRecoveryCodeStatus(userId);
    }

    @Delete('recovery-codes')
    @HttpCode(HttpStatus.NO_CONTENT)
    async revoke(@CurrentUser('id') userId: string): Promise<void> {
      await this.mfa.revokeRecoveryCodes(userId);
    }

    // With replaceOnUse these answers carry a new code: no-store, like every response with codes.
    @Post('recovery-codes/redeem')
    @HttpCode(HttpStatus.OK)
    @Header('Cache-Control', 'no-store')
    redeem(
      @CurrentUser('id') userId: string,
      @Body() body: RedeemRecoveryCodeDto,
    ): Promise<RedeemRecoveryCodeResult> {
      return this.mfa.redeemRecoveryCode(userId, body.code);
    }

    @Post('reset')
    @HttpCode(HttpStatus.OK)
    @Header('Cache-Control', 'no-store')
    async reset(
      @CurrentUser('id') userId: string,
      @Body() body: ResetMfaDto,
    ): Promise<{ reset: true; replacement?: string | null }> {
      const result = await this.mfa.resetMfa(userId, body.code);
      return result ? { reset: true, replacement: result.replacement } : { reset: true };
    }
  }
  return MfaRoutesController;
}
