import { Body, Controller, Get, HttpCode, Module, Post, type DynamicModule } from '@nestjs/common';
import {
  Auth,
  CurrentUser,
  MfaModule,
  MfaService,
  RedeemRecoveryCodeDto,
  ResetMfaDto,
  type MfaModuleOptions,
  type NestAuthUser,
} from '../../src/index.js';
import { FAST_HASHING } from '../utils/test-app.js';

/** The controller of the product page, verbatim, plus the reset and redeem endpoints. */
@Controller()
export class ProductPageController {
  constructor(private readonly mfa: MfaService) {}

  @Auth()
  @Post('me/mfa/recovery-codes')
  generate(@CurrentUser() user: NestAuthUser) {
    return this.mfa.generateRecoveryCode(user.id);
  }

  @Auth()
  @Post('me/mfa/reset')
  @HttpCode(200)
  async reset(@CurrentUser() user: NestAuthUser, @Body() body: ResetMfaDto) {
    await this.mfa.resetMfa(user.id, body.code);
    return { reset: true };
  }

  @Auth()
  @Post('me/mfa/recovery-codes/redeem')
  @HttpCode(200)
  redeem(@CurrentUser('id') userId: string, @Body() body: RedeemRecoveryCodeDto) {
    return this.mfa.redeemRecoveryCode(userId, body.code);
  }

  @Auth()
  @Get('me')
  me(@CurrentUser() user: NestAuthUser, @CurrentUser('name') name: unknown) {
    return { user, name };
  }
}

/** Users whose MFA is on; `onMfaReset` turns it off. */
export class MfaState {
  readonly enabled = new Set<string>(['alice', 'bob']);
}

/**
 * The product page's app: sign-in is a demo header, `x-user-id`. Options override the defaults
 * (cheap hashing unless `hashing` is given).
 */
export function productPageModule(
  options: MfaModuleOptions = {},
  state = new MfaState(),
): DynamicModule {
  @Module({})
  class ProductPageModule {}
  return {
    module: ProductPageModule,
    imports: [
      MfaModule.forRoot({
        hashing: FAST_HASHING,
        authenticate: (request) => {
          const id = request.headers['x-user-id'];
          return typeof id === 'string' && id ? { id, name: `${id} example` } : null;
        },
        onMfaReset: (userId) => void state.enabled.delete(userId),
        ...options,
      }),
    ],
    controllers: [ProductPageController],
    providers: [{ provide: MfaState, useValue: state }],
  };
}
