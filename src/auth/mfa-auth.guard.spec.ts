import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ForbiddenException, Logger, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import {
  AuthenticationRequiredException,
  MfaConfigurationError,
  MfaRequiredException,
  ReauthenticationRequiredException,
} from '../mfa.exceptions.js';
import type { MfaModuleOptions, NestAuthRequest } from '../mfa-module-options.interface.js';
import { resolveMfaOptions } from '../mfa.options.js';
import { Auth } from './auth.decorator.js';
import { isNestAuthUser, MfaAuthGuard } from './mfa-auth.guard.js';

const NOW = Date.parse('2030-01-01T12:00:00.000Z');
const FIVE_MINUTES = 300_000;

/** A controller whose handlers carry the `@Auth()` variants the guard reads. */
@Auth({ allowMfaPending: true })
class Handlers {
  classDefault() {}
  @Auth()
  strict() {}
  @Auth({ maxAuthAge: FIVE_MINUTES })
  recent() {}
  @Auth({ allowMfaPending: true, maxAuthAge: FIVE_MINUTES })
  pendingButRecent() {}
}

type Handler = keyof Handlers;

function contextFor(request: NestAuthRequest, handler: Handler = 'strict'): ExecutionContext {
  const context = new ExecutionContextHost([request, {}], Handlers, Handlers.prototype[handler]);
  context.setType('http');
  return context;
}

/** The guard with a fixed clock, over options resolved as MfaModule resolves them. */
class ClockedGuard extends MfaAuthGuard {
  protected override now(): number {
    return NOW;
  }
}

function guardWith(options: MfaModuleOptions): MfaAuthGuard {
  return new ClockedGuard(resolveMfaOptions(options), new Reflector());
}

/** A guard whose `authenticate` returns `user`. */
const returning = (user: unknown) => guardWith({ authenticate: () => user as never });

async function outcome(guard: MfaAuthGuard, context: ExecutionContext): Promise<unknown> {
  try {
    return await guard.canActivate(context);
  } catch (error) {
    return error;
  }
}

describe('MfaAuthGuard', () => {
  describe('authentication', () => {
    it('authenticates with options.authenticate and sets request.user', async () => {
      const guard = guardWith({
        authenticate: async (req) => ({ id: String(req.headers['x-user-id']), role: 'admin' }),
      });
      const request: NestAuthRequest = { headers: { 'x-user-id': 'alice' } };
      await expect(guard.canActivate(contextFor(request))).resolves.toBe(true);
      expect(request.user).toEqual({ id: 'alice', role: 'admin' });
    });

    it('prefers authenticate over an upstream request.user', async () => {
      const request: NestAuthRequest = { headers: {}, user: { id: 'mallory' } };
      await expect(returning(null).canActivate(contextFor(request))).rejects.toBeInstanceOf(
        AuthenticationRequiredException,
      );
    });

    it('accepts the upstream user when authenticate is not configured', async () => {
      const request: NestAuthRequest = { headers: {}, user: { id: 'bob' } };
      await expect(guardWith({}).canActivate(contextFor(request))).resolves.toBe(true);
      expect(request.user).toEqual({ id: 'bob' });
    });

    it('reads and sets the userProperty, as PassportModule.register({ property }) does', async () => {
      const request: NestAuthRequest = { headers: {}, principal: { id: 'carol' } };
      const guard = guardWith({ userProperty: 'principal' });
      await expect(guard.canActivate(contextFor(request))).resolves.toBe(true);
      expect(request.user).toBeUndefined();

      const other: NestAuthRequest = { headers: {}, user: { id: 'dave' } };
      await expect(guard.canActivate(contextFor(other))).rejects.toBeInstanceOf(
        AuthenticationRequiredException,
      );

      const authenticated: NestAuthRequest = { headers: {} };
      const withAuthenticate = guardWith({
        userProperty: 'principal',
        authenticate: () => ({ id: 'erin' }),
      });
      await withAuthenticate.canActivate(contextFor(authenticated));
      expect(authenticated.principal).toEqual({ id: 'erin' });
      expect(authenticated.user).toBeUndefined();
    });

    it.each([undefined, null, {}, { id: '' }, { id: 42 }, 'alice'])(
      'answers 401 unauthorized for the user %p',
      async (user) => {
        const error = await outcome(returning(user), contextFor({ headers: {} }));
        expect(error).toBeInstanceOf(AuthenticationRequiredException);
        expect((error as AuthenticationRequiredException).getResponse()).toEqual({
          statusCode: 401,
          error: 'unauthorized',
          message: 'Sign in to continue.',
        });
      },
    );

    it('lets an HttpException thrown by authenticate through unchanged, so apps can answer 403', async () => {
      const forbidden = new ForbiddenException('account suspended');
      const guard = guardWith({
        authenticate: () => {
          throw forbidden;
        },
      });
      await expect(guard.canActivate(contextFor({ headers: {} }))).rejects.toBe(forbidden);
    });

    describe('when authenticate throws another error', () => {
      let warn: jest.SpiedFunction<Logger['warn']>;
      beforeEach(() => {
        warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      });
      afterEach(() => warn.mockRestore());

      it('answers 401 unauthorized and logs the error name, never its message', async () => {
        class TokenExpiredError extends Error {
          override name = 'TokenExpiredError';
        }
        const guard = guardWith({
          authenticate: () => {
            throw new TokenExpiredError('jwt expired: eyJhbGciOiJIUzI1NiJ9.secret');
          },
        });
        const error = await outcome(guard, contextFor({ headers: {} }));
        expect(error).toBeInstanceOf(AuthenticationRequiredException);
        const logged = warn.mock.calls.map((call) => call.map(String).join(' ')).join('\n');
        expect(logged).toContain('TokenExpiredError');
        expect(logged).not.toContain('eyJ');
        expect(logged).not.toContain('jwt expired');
      });
    });
  });

  describe('assurance', () => {
    it('refuses an MFA-pending session with 401 mfa_required', async () => {
      const error = await outcome(
        returning({ id: 'a', mfaPending: true }),
        contextFor({ headers: {} }),
      );
      expect(error).toBeInstanceOf(MfaRequiredException);
      expect((error as MfaRequiredException).getResponse()).toMatchObject({
        statusCode: 401,
        error: 'mfa_required',
      });
    });

    it.each([false, null, undefined])('treats mfaPending %p as not pending', async (mfaPending) => {
      const guard = returning({ id: 'a', mfaPending });
      await expect(guard.canActivate(contextFor({ headers: {} }))).resolves.toBe(true);
    });

    it.each(['true', 'false', 1, 0, {}])(
      'fails closed on a loosely typed mfaPending %p',
      async (mfaPending) => {
        const error = await outcome(
          returning({ id: 'a', mfaPending }),
          contextFor({ headers: {} }),
        );
        expect(error).toBeInstanceOf(MfaRequiredException);
      },
    );

    it('lets a method @Auth() override its class @Auth({ allowMfaPending: true })', async () => {
      const guard = returning({ id: 'a', mfaPending: true });
      await expect(guard.canActivate(contextFor({ headers: {} }, 'classDefault'))).resolves.toBe(
        true,
      );
      await expect(guard.canActivate(contextFor({ headers: {} }, 'strict'))).rejects.toBeInstanceOf(
        MfaRequiredException,
      );
    });

    it('checks in order: no user, then pending, then stale', async () => {
      const pendingAndStale = { id: 'a', mfaPending: true, authenticatedAt: 0 };
      expect(
        await outcome(returning(pendingAndStale), contextFor({ headers: {} }, 'recent')),
      ).toBeInstanceOf(MfaRequiredException);
      expect(
        await outcome(returning(pendingAndStale), contextFor({ headers: {} }, 'pendingButRecent')),
      ).toBeInstanceOf(ReauthenticationRequiredException);
      expect(await outcome(returning(null), contextFor({ headers: {} }, 'recent'))).toBeInstanceOf(
        AuthenticationRequiredException,
      );
    });

    const fresh: [string, unknown][] = [
      ['a Date of now', new Date(NOW)],
      ['epoch ms exactly maxAuthAge ago', NOW - FIVE_MINUTES],
      ['an ISO string (JSON session stores)', new Date(NOW - 60_000).toISOString()],
      ['an ISO string with an offset', '2030-01-01T13:59:00+02:00'],
      ['up to a minute in the future (clock skew)', NOW + 60_000],
    ];
    it.each(fresh)('accepts authenticatedAt as %s', async (_name, authenticatedAt) => {
      const guard = returning({ id: 'a', authenticatedAt });
      await expect(guard.canActivate(contextFor({ headers: {} }, 'recent'))).resolves.toBe(true);
    });

    const stale: [string, unknown][] = [
      ['1 ms older than maxAuthAge', NOW - FIVE_MINUTES - 1],
      ['missing', undefined],
      ['NaN', Number.NaN],
      ['an invalid Date', new Date('not a date')],
      ['an unparseable string', 'yesterday'],
      ['an ISO date without a time', '2030-01-01'],
      ['a numeric string', String(NOW)],
      ['more than a minute in the future', NOW + 60_001],
      ['JWT seconds not multiplied by 1000', Math.floor(NOW / 1000)],
      ['Infinity', Number.POSITIVE_INFINITY],
    ];
    it.each(stale)(
      'answers 401 reauthentication_required for authenticatedAt %s',
      async (_name, authenticatedAt) => {
        const error = await outcome(
          returning({ id: 'a', authenticatedAt }),
          contextFor({ headers: {} }, 'recent'),
        );
        expect(error).toBeInstanceOf(ReauthenticationRequiredException);
        expect((error as ReauthenticationRequiredException).getResponse()).toMatchObject({
          statusCode: 401,
          error: 'reauthentication_required',
        });
      },
    );

    it('ignores authenticatedAt where no maxAuthAge is required', async () => {
      const guard = returning({ id: 'a', authenticatedAt: 'garbage' });
      await expect(guard.canActivate(contextFor({ headers: {} }, 'strict'))).resolves.toBe(true);
    });
  });

  describe('@Auth() options', () => {
    it.each([0, -1, 1.5, Number.NaN, '300000'])(
      'refuses maxAuthAge %p when the class is defined',
      (maxAuthAge) => {
        expect(() => Auth({ maxAuthAge: maxAuthAge as number })).toThrow(MfaConfigurationError);
      },
    );

    it('refuses a non-boolean allowMfaPending', () => {
      expect(() => Auth({ allowMfaPending: 'yes' as unknown as boolean })).toThrow(
        '@Auth({ allowMfaPending }) must be true or false.',
      );
    });
  });

  it('never skips authenticate: without options it fails instead of trusting request.user', async () => {
    const guard = new MfaAuthGuard();
    expect(() => guard.onModuleInit()).toThrow(MfaConfigurationError);
    await expect(
      guard.canActivate(contextFor({ headers: {}, user: { id: 'mallory' } })),
    ).rejects.toThrow('import MfaModule.forRoot()');
  });

  it('lets subclasses replace the errors', async () => {
    class CustomGuard extends MfaAuthGuard {
      protected override handleUnauthenticated(): never {
        throw new ForbiddenException('sign in first');
      }
    }
    const guard = new CustomGuard(resolveMfaOptions({ authenticate: () => null }));
    await expect(guard.canActivate(contextFor({ headers: {} }))).rejects.toThrow('sign in first');
  });
});

describe('isNestAuthUser', () => {
  it('recognises an object with a non-empty string id', () => {
    expect(isNestAuthUser({ id: 'a', extra: 1 })).toBe(true);
    expect(isNestAuthUser({ id: 1 })).toBe(false);
    expect(isNestAuthUser(null)).toBe(false);
  });
});
