import { afterEach, describe, expect, it } from '@jest/globals';
import {
  Catch,
  Controller,
  ForbiddenException,
  Get,
  HttpException,
  Module,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import request from 'supertest';
import { Auth, MfaModule, TooManyAttemptsException } from '../src/index.js';
import { ADAPTERS, createTestApp, FAST_HASHING, type TestApp } from './utils/test-app.js';

/** The app's own filter for every HTTP error: it answers `{ handledBy: 'app' }`. */
@Catch(HttpException)
class AppHttpFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: HttpException, host: ArgumentsHost) {
    const response: unknown = host.switchToHttp().getResponse();
    this.adapterHost.httpAdapter.reply(
      response,
      { handledBy: 'app', status: exception.getStatus() },
      exception.getStatus(),
    );
  }
}

@Controller()
class ErrorsController {
  @Get('forbidden')
  forbidden() {
    throw new ForbiddenException();
  }

  @Get('locked')
  locked() {
    throw new TooManyAttemptsException(42_000);
  }

  @Auth()
  @Get('locked-behind-auth')
  lockedBehindAuth() {
    throw new TooManyAttemptsException(42_000);
  }
}

const mfa = MfaModule.forRoot({ hashing: FAST_HASHING, authenticate: () => ({ id: 'uma' }) });

/** The app filter as an `APP_FILTER` of the app module, beside MfaModule's. */
@Module({
  imports: [mfa],
  controllers: [ErrorsController],
  providers: [{ provide: APP_FILTER, useClass: AppHttpFilter }],
})
class AppFilterModule {}

@Module({ imports: [mfa], controllers: [ErrorsController] })
class PlainModule {}

describe.each(ADAPTERS)('MfaExceptionFilter in an app with its own filter (%s)', (adapter) => {
  let testApp: TestApp | undefined;
  afterEach(async () => {
    await testApp?.close();
    testApp = undefined;
  });

  it('answers only the library exceptions, and leaves the rest to the app filter (APP_FILTER)', async () => {
    testApp = await createTestApp({ imports: [AppFilterModule] }, adapter);
    await request(testApp.server).get('/forbidden').expect(403, { handledBy: 'app', status: 403 });
    const locked = await request(testApp.server).get('/locked').expect(429);
    expect(locked.headers['retry-after']).toBe('42');
    expect(locked.body).toMatchObject({ error: 'too_many_attempts', retryAfter: 42 });
  });

  it('yields to a filter registered with app.useGlobalFilters(), except behind @Auth(), which binds its own', async () => {
    testApp = await createTestApp({ imports: [PlainModule] }, adapter, (app) =>
      app.useGlobalFilters(new AppHttpFilter(app.get(HttpAdapterHost))),
    );
    const locked = await request(testApp.server).get('/locked').expect(429);
    expect(locked.body).toEqual({ handledBy: 'app', status: 429 });
    expect(locked.headers['retry-after']).toBeUndefined();
    const behindAuth = await request(testApp.server).get('/locked-behind-auth').expect(429);
    expect(behindAuth.body).toMatchObject({ error: 'too_many_attempts', retryAfter: 42 });
    expect(behindAuth.headers['retry-after']).toBe('42');
  });
});
