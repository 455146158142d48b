import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Module, type NestMiddleware } from '@nestjs/common';
import type { MiddlewareConsumer, NestModule } from '@nestjs/common';
import request from 'supertest';
import { Auth, CurrentUser, MfaModule, type NestAuthRequest } from '../src/index.js';
import { session, userFromHeaders } from './fixture/app.module.js';
import { ADAPTERS, createTestApp, FAST_HASHING, type TestApp } from './utils/test-app.js';

/** A feature controller behind `@Auth()`, in a module that does not import `MfaModule`. */
@Controller('feature')
class FeatureController {
  @Auth()
  @Get()
  whoAmI(@CurrentUser('id') id: string) {
    return { id };
  }
}

/** The password step of a session middleware: it trusts anyone who names a user. */
@Injectable()
class PasswordOnlySession implements NestMiddleware {
  use(req: NestAuthRequest, _res: unknown, next: () => void) {
    req.user = { id: 'mallory' };
    next();
  }
}

@Module({ controllers: [FeatureController] })
class FeatureModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(PasswordOnlySession).forRoutes('*path');
  }
}

describe.each(ADAPTERS)('@Auth() outside the MfaModule import graph (%s)', (adapter) => {
  let testApp: TestApp | undefined;
  afterEach(async () => {
    await testApp?.close();
    testApp = undefined;
  });

  it('runs authenticate from the non-global MfaModule the app imports elsewhere', async () => {
    const seen: string[] = [];
    @Module({
      imports: [
        FeatureModule,
        MfaModule.forRoot({
          hashing: FAST_HASHING,
          authenticate: (req) => {
            seen.push(String(req.headers['x-user-id']));
            return userFromHeaders(req);
          },
        }),
      ],
    })
    class AppModule {}
    testApp = await createTestApp({ imports: [AppModule] }, adapter);
    const http = () => request(testApp!.server).get('/feature');

    // The middleware's password-only user is not trusted: authenticate decides.
    const anonymous = await http().expect(401);
    expect(anonymous.body.error).toBe('unauthorized');
    const pending = await http()
      .set(session('nina', { pending: true }))
      .expect(401);
    expect(pending.body.error).toBe('mfa_required');
    await http().set(session('nina')).expect(200, { id: 'nina' });
    expect(seen).toEqual(['undefined', 'nina', 'nina']);
  });

  it('fails at startup, naming the fix, when the app has no MfaModule at all', async () => {
    @Module({ imports: [FeatureModule] })
    class AppModule {}
    await expect(createTestApp({ imports: [AppModule] }, adapter)).rejects.toThrow(
      'import MfaModule.forRoot() or MfaModule.forRootAsync() in your AppModule',
    );
  });
});
