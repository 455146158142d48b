import { describe, expect, it } from '@jest/globals';
import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { MfaModuleOptions, NestAuthRequest } from '../mfa-module-options.interface.js';
import { isNestAuthUser, MfaAuthGuard } from './mfa-auth.guard.js';

function contextFor(request: NestAuthRequest): ExecutionContext {
  return {
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe('MfaAuthGuard', () => {
  it('authenticates with options.authenticate and sets request.user', async () => {
    const guard = new MfaAuthGuard({
      authenticate: async (req) => ({ id: String(req.headers['x-user-id']), role: 'admin' }),
    });
    const request: NestAuthRequest = { headers: { 'x-user-id': 'alice' } };
    await expect(guard.canActivate(contextFor(request))).resolves.toBe(true);
    expect(request.user).toEqual({ id: 'alice', role: 'admin' });
  });

  it('prefers authenticate over an upstream request.user', async () => {
    const guard = new MfaAuthGuard({ authenticate: () => null });
    const request: NestAuthRequest = { headers: {}, user: { id: 'mallory' } };
    await expect(guard.canActivate(contextFor(request))).rejects.toBeInstanceOf(
      UnauthorizedException,
    );
  });

  it('accepts a request.user set upstream when authenticate is not configured', async () => {
    for (const options of [undefined, {} as MfaModuleOptions]) {
      const guard = new MfaAuthGuard(options);
      const request: NestAuthRequest = { headers: {}, user: { id: 'bob' } };
      await expect(guard.canActivate(contextFor(request))).resolves.toBe(true);
      expect(request.user).toEqual({ id: 'bob' });
    }
  });

  it.each([undefined, null, {}, { id: '' }, { id: 42 }, 'alice'])(
    'answers 401 for the user %p',
    async (user) => {
      const guard = new MfaAuthGuard({ authenticate: () => user as never });
      await expect(guard.canActivate(contextFor({ headers: {} }))).rejects.toBeInstanceOf(
        UnauthorizedException,
      );
    },
  );

  it('lets an error thrown by authenticate through, so apps can answer 403', async () => {
    const guard = new MfaAuthGuard({
      authenticate: () => {
        throw new ForbiddenException('account suspended');
      },
    });
    await expect(guard.canActivate(contextFor({ headers: {} }))).rejects.toBeInstanceOf(
      ForbiddenException,
    );
  });

  it('lets subclasses replace the 401', async () => {
    class CustomGuard extends MfaAuthGuard {
      protected override handleUnauthenticated(): never {
        throw new ForbiddenException('sign in first');
      }
    }
    await expect(new CustomGuard().canActivate(contextFor({ headers: {} }))).rejects.toThrow(
      'sign in first',
    );
  });
});

describe('isNestAuthUser', () => {
  it('recognises an object with a non-empty string id', () => {
    expect(isNestAuthUser({ id: 'a', extra: 1 })).toBe(true);
    expect(isNestAuthUser({ id: 1 })).toBe(false);
    expect(isNestAuthUser(null)).toBe(false);
  });
});
