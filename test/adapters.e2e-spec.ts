import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Injectable,
  Module,
  Post,
  ValidationPipe,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
  type MiddlewareConsumer,
  type NestMiddleware,
  type NestModule,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import {
  Auth,
  CurrentUser,
  INVALID_RECOVERY_CODE_MESSAGE,
  InMemoryRecoveryCodeStore,
  MfaModule,
  MfaService,
  RECOVERY_CODE_INPUT_MESSAGE,
  ResetMfaDto,
  STORE_UNAVAILABLE_MESSAGE,
  TOO_MANY_ATTEMPTS_MESSAGE,
  type NestAuthUser,
} from '../src/index.js';
import {
  ADAPTERS,
  createTestApp,
  FAST_HASHING,
  type AdapterName,
  type TestApp,
} from './utils/test-app.js';

const HEX_CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/;
const WRONG_CODE = '00000000-0000-0000-0000';
const MAX_ATTEMPTS = 3;
const WINDOW_SECONDS = 60;

/** Users with MFA enabled; `onMfaReset` removes them. */
const usersWithMfa = new Set<string>();

/** The product page's controller, a reset endpoint and two `@CurrentUser()` readers. */
@Controller()
class MfaController {
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
  @Get('me')
  me(@CurrentUser() user: NestAuthUser) {
    return user;
  }

  @Auth()
  @Get('me/id')
  id(@CurrentUser('id') id: string) {
    return { id };
  }
}

/** `@Auth()` on a controller class guards every handler. */
@Auth()
@Controller('guarded')
class GuardedController {
  @Get()
  whoAmI(@CurrentUser('id') id: string) {
    return { id };
  }
}

/** A route without `@Auth()`: `@CurrentUser()` is `undefined` when nothing signed the request in. */
@Controller('open')
class OpenController {
  @Get()
  open(@CurrentUser() user: NestAuthUser | undefined) {
    return { signedIn: user !== undefined };
  }
}

const mfaOptions = {
  hashing: FAST_HASHING,
  maxAttempts: MAX_ATTEMPTS,
  attemptWindowMs: WINDOW_SECONDS * 1000,
  onMfaReset: (userId: string) => {
    usersWithMfa.delete(userId);
  },
};

type UpstreamRequest = { headers: Record<string, unknown>; user?: unknown };

/** The session stand-in of every app below: the `x-user-id` header names the signed-in user. */
function userFromHeader(req: UpstreamRequest): NestAuthUser | null {
  const id = req.headers['x-user-id'];
  return typeof id === 'string' && id ? { id, role: 'member' } : null;
}

/** What passport, a session middleware or a hook does upstream of `@Auth()`. */
function signInFromHeader(req: UpstreamRequest): void {
  const user = userFromHeader(req);
  if (user) req.user = user;
}

/** Authenticates with the `authenticate` option. */
@Module({
  imports: [
    MfaModule.forRoot({
      ...mfaOptions,
      authenticate: (req) => userFromHeader(req),
    }),
  ],
  controllers: [MfaController, GuardedController, OpenController],
})
class AuthenticateOptionModule {}

/** A Nest middleware that signs the user in, the way a session middleware would. */
@Injectable()
class SessionMiddleware implements NestMiddleware {
  use(req: UpstreamRequest, _res: unknown, next: () => void) {
    signInFromHeader(req);
    next();
  }
}

/** No `authenticate` option: `@Auth()` accepts the `request.user` a Nest middleware set. */
@Module({
  imports: [MfaModule.forRoot(mfaOptions)],
  controllers: [MfaController, GuardedController, OpenController],
})
class UpstreamMiddlewareModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(SessionMiddleware).forRoutes('*path');
  }
}

/** Stands in for passport's `AuthGuard`: it sets `request.user` and lets the request through. */
@Injectable()
class PassportLikeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    signInFromHeader(context.switchToHttp().getRequest<UpstreamRequest>());
    return true;
  }
}

/** No `authenticate` option: `@Auth()` accepts the `request.user` a global guard set first. */
@Module({
  imports: [MfaModule.forRoot(mfaOptions)],
  controllers: [MfaController, GuardedController, OpenController],
  providers: [{ provide: APP_GUARD, useClass: PassportLikeGuard }],
})
class UpstreamGuardModule {}

/** A store whose database is down. */
class UnavailableStore extends InMemoryRecoveryCodeStore {
  override async append(): Promise<boolean> {
    throw new Error('connection refused');
  }
}

@Module({
  imports: [
    MfaModule.forRoot({
      hashing: FAST_HASHING,
      store: new UnavailableStore(),
      authenticate: () => ({ id: 'dana' }),
    }),
  ],
  controllers: [MfaController],
})
class UnavailableStoreModule {}

/** No `authenticate` option and no Nest middleware: the adapter's own hook signs the user in. */
@Module({
  imports: [MfaModule.forRoot(mfaOptions)],
  controllers: [MfaController, GuardedController, OpenController],
})
class UpstreamAdapterHookModule {}

/** Express `app.use()` middleware, or a Fastify `onRequest` hook, that sets `request.user`. */
function withAdapterHook(app: INestApplication, adapter: AdapterName): void {
  if (adapter === 'fastify') {
    const fastify = (app as NestFastifyApplication).getHttpAdapter().getInstance();
    fastify.addHook('onRequest', async (req) => {
      signInFromHeader(req as unknown as UpstreamRequest);
    });
  } else {
    app.use((req: UpstreamRequest, _res: unknown, next: () => void) => {
      signInFromHeader(req);
      next();
    });
  }
}

let userSeq = 0;
/** A fresh user per test, so attempt counters never leak between tests. */
function newUser(): string {
  const id = `user-${++userSeq}`;
  usersWithMfa.add(id);
  return id;
}

describe.each(ADAPTERS)('on the %s adapter', (adapter) => {
  describe.each([
    ['the authenticate option', AuthenticateOptionModule],
    ['a request.user set by a Nest middleware', UpstreamMiddlewareModule],
    ['a request.user set by an upstream guard (passport)', UpstreamGuardModule],
    ['a request.user set by an Express middleware or a Fastify hook', UpstreamAdapterHookModule],
  ])('@Auth() with %s', (_how, AppModule) => {
    let testApp: TestApp;
    const post = (path: string, user?: string) => {
      const req = request(testApp.server).post(path);
      return user === undefined ? req : req.set('x-user-id', user);
    };

    beforeAll(async () => {
      testApp = await createTestApp({ imports: [AppModule] }, adapter, (app) => {
        app.useGlobalPipes(new ValidationPipe());
        if (AppModule === UpstreamAdapterHookModule) withAdapterHook(app, adapter);
      });
    });

    afterAll(async () => {
      await testApp.close();
    });

    it('generates a code: 201 with a JSON body holding only the code', async () => {
      const response = await post('/me/mfa/recovery-codes', newUser()).expect(201);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual({ code: expect.stringMatching(HEX_CODE) });
    });

    it('answers 401 Unauthorized without a signed-in user', async () => {
      const response = await post('/me/mfa/recovery-codes').expect(401);
      expect(response.body).toEqual({ statusCode: 401, message: 'Unauthorized' });
    });

    it('resets MFA with a code, then refuses the same code with 401 invalid_recovery_code', async () => {
      const user = newUser();
      const { body } = await post('/me/mfa/recovery-codes', user).expect(201);

      await post('/me/mfa/reset', user).send({ code: body.code }).expect(200, { reset: true });
      expect(usersWithMfa.has(user)).toBe(false);

      const reuse = await post('/me/mfa/reset', user).send({ code: body.code }).expect(401);
      expect(reuse.body).toEqual({
        statusCode: 401,
        error: 'invalid_recovery_code',
        message: INVALID_RECOVERY_CODE_MESSAGE,
      });
    });

    it("refuses another user's code with 401", async () => {
      const { body } = await post('/me/mfa/recovery-codes', newUser()).expect(201);
      const response = await post('/me/mfa/reset', newUser()).send({ code: body.code });
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_recovery_code');
    });

    it('refuses a malformed code with 400 Bad Request', async () => {
      const response = await post('/me/mfa/reset', newUser())
        .send({ code: 'x'.repeat(65) })
        .expect(400);
      expect(response.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: [RECOVERY_CODE_INPUT_MESSAGE],
      });
    });

    it('locks out after maxAttempts with 429 too_many_attempts and a Retry-After header', async () => {
      const user = newUser();
      const { body } = await post('/me/mfa/recovery-codes', user).expect(201);
      for (let i = 0; i < MAX_ATTEMPTS; i++) {
        await post('/me/mfa/reset', user).send({ code: WRONG_CODE }).expect(401);
      }

      // Even the valid code is refused now, and not consumed.
      const locked = await post('/me/mfa/reset', user).send({ code: body.code }).expect(429);
      const retryAfter = Number(locked.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
      expect(locked.body).toEqual({
        statusCode: 429,
        error: 'too_many_attempts',
        message: TOO_MANY_ATTEMPTS_MESSAGE,
        retryAfter,
      });
      expect(usersWithMfa.has(user)).toBe(true);
    });

    it('sends no Retry-After on answers other than 429', async () => {
      const response = await post('/me/mfa/reset', newUser()).send({ code: WRONG_CODE });
      expect(response.status).toBe(401);
      expect(response.headers['retry-after']).toBeUndefined();
    });

    it('gives @CurrentUser() the whole user and @CurrentUser("id") its id', async () => {
      await request(testApp.server)
        .get('/me')
        .set('x-user-id', 'erin')
        .expect(200, { id: 'erin', role: 'member' });
      await request(testApp.server)
        .get('/me/id')
        .set('x-user-id', 'erin')
        .expect(200, { id: 'erin' });
    });

    it('guards every handler of a controller decorated with @Auth()', async () => {
      await request(testApp.server)
        .get('/guarded')
        .set('x-user-id', 'frank')
        .expect(200, { id: 'frank' });
      await request(testApp.server).get('/guarded').expect(401);
    });

    it('leaves @CurrentUser() undefined on an unguarded route when no one is signed in', async () => {
      await request(testApp.server).get('/open').expect(200, { signedIn: false });
    });
  });

  describe('a store that fails', () => {
    let testApp: TestApp;

    beforeAll(async () => {
      testApp = await createTestApp({ imports: [UnavailableStoreModule] }, adapter);
    });

    afterAll(async () => {
      await testApp.close();
    });

    it('answers 503 store_unavailable without the cause', async () => {
      const response = await request(testApp.server).post('/me/mfa/recovery-codes').expect(503);
      expect(response.body).toEqual({
        statusCode: 503,
        error: 'store_unavailable',
        message: STORE_UNAVAILABLE_MESSAGE,
      });
      expect(JSON.stringify(response.body)).not.toContain('connection refused');
    });
  });
});
