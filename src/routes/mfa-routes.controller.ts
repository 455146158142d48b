import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Inject,
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
import type { RecoveryCodeStatus } from '../store/recovery-code-store.interface.js';
import { MfaValidationPipe } from './mfa-validation.pipe.js';
import type { MfaRoutesPolicyOptions } from './mfa-routes-policy-options.interface.js';
import { MfaRoutesPolicy } from './mfa-routes-policy.decorator.js';
import { MFA_ROUTES_POLICY, type ResolvedMfaRoutesPolicy } from './mfa-routes.policy.js';

/**
 * Options of the ready-made routes (`MfaModule.forRoot({ routes })`).
 * @publicApi
 */
export interface MfaRoutesOptions extends MfaRoutesPolicyOptions {
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
  @MfaRoutesPolicy()
  @UsePipes(MfaValidationPipe)
  class MfaRoutesController {
    constructor(
      readonly mfa: MfaService,
      @Inject(MFA_ROUTES_POLICY) readonly policy: ResolvedMfaRoutesPolicy,
    ) {}

    @Post('recovery-codes')
    @Header('Cache-Control', 'no-store')
    generate(@CurrentUser('id') userId: string): Promise<{ code: string }> {
      return this.mfa.generateRecoveryCode(userId, {
        generationLimit: this.policy.generationLimit,
      });
    }

    @Put('recovery-codes')
    @HttpCode(HttpStatus.OK)
    @Header('Cache-Control', 'no-store')
    replace(
      @CurrentUser('id') userId: string,
      @Body() body: GenerateRecoveryCodesDto,
    ): Promise<{ codes: string[] }> {
      return this.mfa.generateRecoveryCodes(userId, body.count, {
        generationLimit: this.policy.generationLimit,
      });
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

    @Post('recovery-codes/redeem')
    @HttpCode(HttpStatus.OK)
    redeem(
      @CurrentUser('id') userId: string,
      @Body() body: RedeemRecoveryCodeDto,
    ): Promise<{ remaining: number }> {
      return this.mfa.redeemRecoveryCode(userId, body.code);
    }

    @Post('reset')
    @HttpCode(HttpStatus.OK)
    async reset(
      @CurrentUser('id') userId: string,
      @Body() body: ResetMfaDto,
    ): Promise<{ reset: true }> {
      await this.mfa.resetMfa(userId, body.code);
      return { reset: true };
    }
  }
  return MfaRoutesController;
}
