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
  Req,
  Res,
  SetMetadata,
  UseGuards,
  UseInterceptors,
  UsePipes,
  type Type,
} from '@nestjs/common';
import { CurrentUser } from '../auth/current-user.decorator.js';
import type { MfaAuthOptions } from '../auth/mfa-auth-options.interface.js';
import type { NestAuthUser } from '../auth/nest-auth-user.interface.js';
import { RetryAfterInterceptor } from '../auth/retry-after.interceptor.js';
import { GenerateRecoveryCodesDto } from '../dto/generate-recovery-codes.dto.js';
import { RedeemRecoveryCodeDto } from '../dto/redeem-recovery-code.dto.js';
import { ResetMfaDto } from '../dto/reset-mfa.dto.js';
import { MfaConfigurationError } from '../mfa.exceptions.js';
import {
  MFA_AUTH_OPTIONS_METADATA,
  MFA_ROUTES_REAUTH_METADATA,
  RESOLVED_MFA_OPTIONS,
} from '../mfa.internal-constants.js';
import type { NestAuthRequest } from '../mfa-module-options.interface.js';
import { DEFAULT_MFA_ROUTES_PATH, type ResolvedMfaOptions } from '../mfa.options.js';
import { MfaService } from '../mfa.service.js';
import type { RedeemRecoveryCodeResult } from '../mfa-results.interface.js';
import type { RecoveryCodeStatus } from '../store/recovery-code-store.interface.js';
import { MfaRoutesGuard } from './mfa-routes.guard.js';
import { MfaRoutesPolicy } from './mfa-routes-policy.decorator.js';
import { MfaValidationPipe } from './mfa-validation.pipe.js';

/**
 * What `@Auth()` requires, for `MfaRoutesGuard` to check; `reauth` also applies `routes.maxAuthAge`.
 * The guard is the class's, so `routes.guards` run first and `authenticate` runs once.
 */
function RouteAuth(options: MfaAuthOptions, reauth = false): MethodDecorator {
  return (target, key, descriptor) => {
    SetMetadata(MFA_AUTH_OPTIONS_METADATA, options)(target, key, descriptor);
    SetMetadata(MFA_ROUTES_REAUTH_METADATA, reauth)(target, key, descriptor);
  };
}

/**
 * @internal Builds the ready-made controller at `path`. Generate, status and revoke require a
 * fully signed-in session (`@Auth()`); redeem and reset also accept one that still owes the
 * second factor (`@Auth({ allowMfaPending: true })`), since that is what they are for.
 * Responses that carry codes or their status send `Cache-Control: no-store`.
 */
export function createMfaRoutesController(path: string = DEFAULT_MFA_ROUTES_PATH): Type<unknown> {
  @Controller(path)
  @UseGuards(MfaRoutesGuard)
  @UseInterceptors(RetryAfterInterceptor)
  @UsePipes(MfaValidationPipe)
  @MfaRoutesPolicy()
  class MfaRoutesController {
    constructor(
      readonly mfa: MfaService,
      @Inject(RESOLVED_MFA_OPTIONS) private readonly options: ResolvedMfaOptions,
    ) {}

    @Post('recovery-codes')
    @RouteAuth({}, true)
    @Header('Cache-Control', 'no-store')
    generate(@CurrentUser('id') userId: string): Promise<{ code: string }> {
      return this.mfa.generateRecoveryCode(userId, {
        generationLimit: this.options.routes?.generationLimit,
      });
    }

    @Put('recovery-codes')
    @RouteAuth({}, true)
    @HttpCode(HttpStatus.OK)
    @Header('Cache-Control', 'no-store')
    replace(
      @CurrentUser('id') userId: string,
      @Body() body: GenerateRecoveryCodesDto,
    ): Promise<{ codes: string[] }> {
      return this.mfa.generateRecoveryCodes(userId, body.count, {
        generationLimit: this.options.routes?.generationLimit,
      });
    }

    @Get('recovery-codes')
    @RouteAuth({})
    @Header('Cache-Control', 'no-store')
    status(@CurrentUser('id') userId: string): Promise<RecoveryCodeStatus> {
      return this.mfa.getRecoveryCodeStatus(userId);
    }

    @Delete('recovery-codes')
    @RouteAuth({}, true)
    @HttpCode(HttpStatus.NO_CONTENT)
    async revoke(@CurrentUser('id') userId: string): Promise<void> {
      await this.mfa.revokeRecoveryCodes(userId);
    }

    // With replaceOnUse these answers carry a new code: no-store, like every response with codes.
    @Post('recovery-codes/redeem')
    @RouteAuth({ allowMfaPending: true })
    @HttpCode(HttpStatus.OK)
    @Header('Cache-Control', 'no-store')
    async redeem(
      @CurrentUser() user: NestAuthUser,
      @Body() body: RedeemRecoveryCodeDto,
      @Req() request: NestAuthRequest,
      @Res({ passthrough: true }) response: unknown,
    ): Promise<RedeemRecoveryCodeResult> {
      const hook = this.options.routes?.onRedeemed;
      if (!hook) return this.mfa.redeemRecoveryCode(user.id, body.code);
      let fields: object = {};
      const result = await this.mfa.redeemRecoveryCode(user.id, body.code, {
        onRedeemed: async ({ remaining }) => {
          fields = responseFields(await hook({ user, request, response, remaining }));
        },
      });
      // `remaining` (and `replacement`) last: the hook adds fields, it does not change them.
      return { ...fields, ...result };
    }

    @Post('reset')
    @RouteAuth({ allowMfaPending: true })
    @HttpCode(HttpStatus.OK)
    @Header('Cache-Control', 'no-store')
    async reset(
      @CurrentUser('id') userId: string,
      @Body() body: ResetMfaDto,
      @Req() request: NestAuthRequest,
    ): Promise<{ reset: true; replacement?: string | null }> {
      const result = await this.mfa.resetMfa(userId, body.code, { request });
      return result ? { reset: true, replacement: result.replacement } : { reset: true };
    }
  }
  return MfaRoutesController;
}

// Checked inside the effect, so a hook that returns something unmergeable restores the code too.
function responseFields(value: unknown): object {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MfaConfigurationError(
      '`routes.onRedeemed` must return an object of fields to add to the redeem response, or nothing.',
    );
  }
  return value;
}
