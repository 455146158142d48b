import { Injectable, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MfaModule, type MfaModuleOptions, type MfaOptionsFactory } from '../../src/index.js';
import { FixtureController, UpstreamUserGuard } from '../fixture/app.module.js';
import { FAST_HASHING } from '../utils/test-app.js';

const upstreamAuth = { provide: APP_GUARD, useClass: UpstreamUserGuard };

/** The app's own user service; `MfaModule` reaches it through `forRootAsync` injection. */
@Injectable()
export class UsersService {
  readonly mfaDisabledFor: string[] = [];

  disableMfa(userId: string): void {
    this.mfaDisabledFor.push(userId);
  }
}

@Module({ providers: [UsersService], exports: [UsersService] })
export class UsersModule {}

/** `forRootAsync` with `useFactory` and an injected hook; the module is global. */
@Module({
  imports: [
    UsersModule,
    MfaModule.forRootAsync({
      imports: [UsersModule],
      inject: [UsersService],
      useFactory: (users: UsersService): MfaModuleOptions => ({
        hashing: FAST_HASHING,
        onMfaReset: (userId) => users.disableMfa(userId),
      }),
      isGlobal: true,
    }),
  ],
  controllers: [FixtureController],
  providers: [upstreamAuth],
})
export class AsyncFactoryAppModule {}

/** An options class for `useClass`. */
@Injectable()
export class MfaConfig implements MfaOptionsFactory {
  constructor(private readonly users: UsersService) {}

  createMfaOptions(): MfaModuleOptions {
    return {
      hashing: FAST_HASHING,
      maxAttempts: 2,
      onMfaReset: (userId) => this.users.disableMfa(userId),
    };
  }
}

/** `forRootAsync` with `useClass`, not global. */
@Module({
  imports: [UsersModule, MfaModule.forRootAsync({ imports: [UsersModule], useClass: MfaConfig })],
  controllers: [FixtureController],
  providers: [upstreamAuth],
})
export class AsyncClassAppModule {}
