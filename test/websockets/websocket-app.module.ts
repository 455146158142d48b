import { Module, type DynamicModule } from '@nestjs/common';
import {
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type WsResponse,
} from '@nestjs/websockets';
import {
  Auth,
  CurrentUser,
  MfaModule,
  MfaService,
  type MfaModuleOptions,
  type NestAuthRequest,
  type NestAuthUser,
} from '../../src/index.js';
import { FAST_HASHING } from '../utils/test-app.js';

/**
 * The gateway of docs/contexts.md: `@Auth()`, `@CurrentUser()` and `MfaService`, as a user writes
 * them, with no filter of its own: `@Auth()` binds the library's. Replies are `WsResponse`s, which
 * both adapters deliver as an event.
 */
@WebSocketGateway()
export class MfaGateway {
  constructor(private readonly mfa: MfaService) {}

  @Auth()
  @SubscribeMessage('me')
  me(@CurrentUser() user: NestAuthUser): WsResponse<NestAuthUser> {
    return { event: 'me', data: user };
  }

  @Auth()
  @SubscribeMessage('recovery-codes:generate')
  async generate(@CurrentUser() user: NestAuthUser): Promise<WsResponse<{ code: string }>> {
    return {
      event: 'recovery-codes:generated',
      data: await this.mfa.generateRecoveryCode(user.id),
    };
  }

  @Auth({ allowMfaPending: true })
  @SubscribeMessage('recovery-codes:redeem')
  async redeem(
    @CurrentUser('id') userId: string,
    @MessageBody('code') code: string,
  ): Promise<WsResponse<{ remaining: number }>> {
    return {
      event: 'recovery-codes:redeemed',
      data: await this.mfa.redeemRecoveryCode(userId, code),
    };
  }
}

/**
 * Sign-in for the demo: socket.io clients send `auth: { userId, mfaPending }` with the handshake,
 * ws clients the headers `x-user-id` and `x-mfa-pending` with the upgrade request.
 */
export function userFromConnection(request: NestAuthRequest): NestAuthUser | null {
  const auth = (request.auth ?? {}) as { userId?: unknown; mfaPending?: unknown };
  const id = auth.userId ?? request.headers['x-user-id'];
  if (typeof id !== 'string' || id === '') return null;
  const mfaPending = auth.mfaPending === true || request.headers['x-mfa-pending'] === 'true';
  return { id, name: `${id} example`, mfaPending };
}

/** The gateway's app; options override the defaults (cheap hashing). */
export function websocketAppModule(options: MfaModuleOptions = {}): DynamicModule {
  @Module({})
  class WebsocketAppModule {}
  return {
    module: WebsocketAppModule,
    imports: [
      MfaModule.forRoot({ hashing: FAST_HASHING, authenticate: userFromConnection, ...options }),
    ],
    providers: [MfaGateway],
  };
}
