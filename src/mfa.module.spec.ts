import { describe, expect, it } from '@jest/globals';
import { Controller, Module, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Auth } from './auth/auth.decorator.js';
import { MfaAuthGuard } from './auth/mfa-auth.guard.js';
import { MFA_MODULE_OPTIONS } from './mfa.constants.js';
import { MfaConfigurationError } from './mfa.exceptions.js';
import { MfaModule } from './mfa.module.js';
import type { MfaModuleOptions } from './mfa-module-options.interface.js';
import type { ResolvedMfaOptions } from './mfa.options.js';
import { MfaService } from './mfa.service.js';
import { InMemoryRecoveryCodeStore } from './store/in-memory-recovery-code.store.js';
import { AttemptStore } from './store/attempt-store.interface.js';
import { RecoveryCodeStore } from './store/recovery-code-store.interface.js';

describe('MfaModule', () => {
  it('works with forRoot() and no options: in-memory store, default limits', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [MfaModule.forRoot()] }).compile();
    const mfa = moduleRef.get(MfaService);
    expect(moduleRef.get(RecoveryCodeStore)).toBeInstanceOf(InMemoryRecoveryCodeStore);
    const { codes } = await mfa.generateRecoveryCodes('alice');
    expect(codes).toHaveLength(10);
    await moduleRef.close();
  });

  it('serves attempts from the default store, and from a given store that implements both ports', async () => {
    for (const options of [{}, { store: new InMemoryRecoveryCodeStore() }]) {
      const moduleRef = await Test.createTestingModule({
        imports: [MfaModule.forRoot(options)],
      }).compile();
      expect(moduleRef.get(AttemptStore)).toBe(moduleRef.get(RecoveryCodeStore));
      await moduleRef.close();
    }
  });

  it('keeps attempts in attemptStore when one is given', async () => {
    const attemptStore = new InMemoryRecoveryCodeStore();
    const moduleRef = await Test.createTestingModule({
      imports: [MfaModule.forRoot({ store: new InMemoryRecoveryCodeStore(), attemptStore })],
    }).compile();
    const mfa = moduleRef.get(MfaService);
    const { codes } = await mfa.generateRecoveryCodes('alice', 2);
    await mfa.redeemRecoveryCode('alice', 'ffffffff-ffff-ffff-ffff').catch(() => undefined);
    const probe = await attemptStore.reserveAttempt('alice', {
      maxAttempts: 5,
      windowMs: 60_000,
      maxConsecutiveFailures: 100,
    });
    expect(probe).toMatchObject({ allowed: true, attempts: 2, failures: 2 });
    await expect(mfa.redeemRecoveryCode('alice', codes[0])).resolves.toEqual({ remaining: 1 });
    await moduleRef.close();
  });

  it('refuses to start when the store keeps no attempts and no attemptStore is set', async () => {
    const {
      reserveAttempt: _r,
      resetAttempts: _s,
      releaseFailure: _f,
      reserveQuota: _q,
      ...codesOnly
    } = Object.fromEntries(
      Object.getOwnPropertyNames(InMemoryRecoveryCodeStore.prototype)
        .filter((name) => name !== 'constructor')
        .map((name) => [name, () => Promise.resolve(null)]),
    );
    await expect(
      Test.createTestingModule({
        imports: [MfaModule.forRoot({ store: codesOnly as never })],
      }).compile(),
    ).rejects.toThrow(/set `attemptStore`/);
  });

  it('uses the store it is given', async () => {
    const store = new InMemoryRecoveryCodeStore();
    const moduleRef = await Test.createTestingModule({
      imports: [MfaModule.forRoot({ store })],
    }).compile();
    expect(moduleRef.get(RecoveryCodeStore)).toBe(store);
    await moduleRef.close();
  });

  it('exports the service, the store, the options and the guard to the importing module', async () => {
    @Controller()
    class FeatureController {
      constructor(readonly mfa: MfaService) {}
      @Auth()
      @Post('x')
      x() {}
    }
    @Module({ imports: [MfaModule.forRoot({ maxAttempts: 7 })], controllers: [FeatureController] })
    class FeatureModule {}
    const moduleRef = await Test.createTestingModule({ imports: [FeatureModule] }).compile();
    expect(moduleRef.get(FeatureController).mfa).toBeInstanceOf(MfaService);
    expect(moduleRef.get(MFA_MODULE_OPTIONS)).toMatchObject({ maxAttempts: 7 });
    expect(moduleRef.get(MfaAuthGuard)).toBeInstanceOf(MfaAuthGuard);
    await moduleRef.close();
  });

  it('is global only when isGlobal is set', () => {
    expect(MfaModule.forRoot().global).toBe(false);
    expect(MfaModule.forRoot({ isGlobal: true }).global).toBe(true);
    expect(MfaModule.forRootAsync({ useFactory: () => ({}), isGlobal: true }).global).toBe(true);
  });

  it('mounts the ready-made routes only when asked', () => {
    expect(MfaModule.forRoot().controllers ?? []).toHaveLength(0);
    expect(MfaModule.forRoot({ routes: true }).controllers).toHaveLength(1);
    expect(
      MfaModule.forRootAsync({ useFactory: () => ({}), routes: { path: 'account/mfa' } })
        .controllers,
    ).toHaveLength(1);
  });

  it('fails at startup, naming the option, when the configuration is wrong', async () => {
    await expect(
      Test.createTestingModule({
        imports: [MfaModule.forRoot({ maxActiveCodes: 1000 })],
      }).compile(),
    ).rejects.toThrow('`maxActiveCodes` must be an integer from 1 to 100');
  });

  it('fails at startup with MfaConfigurationError for an unknown codeFormat', async () => {
    const compiling = Test.createTestingModule({
      imports: [MfaModule.forRoot({ codeFormat: 'emoji' as 'hex' })],
    }).compile();
    await expect(compiling).rejects.toBeInstanceOf(MfaConfigurationError);
    await expect(compiling).rejects.toThrow("set `codeFormat` in MfaModule.forRoot() to 'hex'");
  });

  it('exposes the checked options, defaults applied, under MFA_MODULE_OPTIONS', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [MfaModule.forRoot({ maxAttempts: 7, routes: { maxAuthAge: 60_000 } })],
    }).compile();
    const options = moduleRef.get<ResolvedMfaOptions>(MFA_MODULE_OPTIONS);
    expect(options).toMatchObject({
      maxAttempts: 7,
      maxActiveCodes: 10,
      userProperty: 'user',
      routes: { path: 'me/mfa', guards: [], maxAuthAge: 60_000 },
    });
    expect(Object.isFrozen(options)).toBe(true);
    await moduleRef.close();
  });

  const incompleteStore = { ...new InMemoryRecoveryCodeStore() } as object; // own fields, no methods
  const nonsense: [string, Record<string, unknown>, string | RegExp][] = [
    ['authenticate as a string', { authenticate: 'session' }, '`authenticate` must be a function'],
    [
      'an empty store',
      { store: {} },
      '`store` does not implement RecoveryCodeStore: it lacks replaceAll, append, findActive, consume, restore, status, revokeAll',
    ],
    [
      'a store missing two methods',
      {
        store: Object.assign(Object.create(InMemoryRecoveryCodeStore.prototype), {
          consume: undefined,
          restore: 'no',
        }),
      },
      'it lacks consume, restore.',
    ],
    ['a store with no methods', { store: incompleteStore }, /it lacks replaceAll, .*revokeAll\./],
    [
      'an attempt store that lacks methods',
      { attemptStore: { reserveAttempt: async () => null } },
      /`attemptStore` does not implement AttemptStore: it lacks resetAttempts, releaseFailure, reserveQuota/,
    ],
    ['a store class', { store: InMemoryRecoveryCodeStore }, 'new InMemoryRecoveryCodeStore(…)'],
    ['a store string', { store: 'postgres://' }, '`store` must be an object'],
    ['an empty userProperty', { userProperty: '' }, '`userProperty` must be a property name'],
    ['userProperty __proto__', { userProperty: '__proto__' }, '`userProperty` must be a property'],
    [
      'routes.maxAuthAge 0',
      { routes: { maxAuthAge: 0 } },
      '`routes.maxAuthAge` must be an integer',
    ],
    [
      'routes.guards not an array',
      { routes: { guards: 'jwt' } },
      '`routes.guards` must be an array',
    ],
    ['a routes guard that is no guard', { routes: { guards: [{}] } }, '`routes.guards` must be'],
    ['routes.onRedeemed not a function', { routes: { onRedeemed: {} } }, '`routes.onRedeemed`'],
    ['a misspelt routes option', { routes: { maxAge: 1 } }, 'unknown options maxAge'],
    ['routes as a string', { routes: 'me/mfa' }, '`routes` must be `true` or an object'],
  ];

  it.each(nonsense)(
    'fails at startup on %s, naming the option',
    async (_name, options, message) => {
      await expect(
        Test.createTestingModule({ imports: [MfaModule.forRoot(options as never)] }).compile(),
      ).rejects.toThrow(message);
    },
  );

  it.each([
    [
      'routes from the factory when none are mounted',
      {},
      { routes: { onRedeemed: () => ({}) } },
      'pass `routes: true`',
    ],
    [
      'a routes.path from the factory',
      { routes: true },
      { routes: { path: 'elsewhere' } },
      '`routes.path` is read at import time',
    ],
    ['a factory that returns no object', {}, null, 'MfaModule options must be an object'],
  ])('fails at startup on %s', async (_name, extras, factoryResult, message) => {
    await expect(
      Test.createTestingModule({
        imports: [
          MfaModule.forRootAsync({
            ...extras,
            useFactory: () => factoryResult as MfaModuleOptions,
          }),
        ],
      }).compile(),
    ).rejects.toThrow(message);
  });

  it('fails at startup when a routes.guards class is not a guard', async () => {
    class NotAGuard {}
    const moduleRef = await Test.createTestingModule({
      imports: [MfaModule.forRoot({ routes: { guards: [NotAGuard as never] } })],
    }).compile();
    await expect(moduleRef.init()).rejects.toThrow(
      '`routes.guards` holds NotAGuard, which has no canActivate()',
    );
    await moduleRef.close();
  });

  it('merges the routes the factory returns over the import-time ones', async () => {
    const onRedeemed = () => ({ token: 't' });
    const moduleRef = await Test.createTestingModule({
      imports: [
        MfaModule.forRootAsync({
          routes: { path: 'account/mfa', maxAuthAge: 1000 },
          useFactory: () => ({ routes: { onRedeemed, maxAuthAge: 2000 } }),
        }),
      ],
    }).compile();
    expect(moduleRef.get<ResolvedMfaOptions>(MFA_MODULE_OPTIONS).routes).toEqual({
      path: 'account/mfa',
      guards: [],
      maxAuthAge: 2000,
      onRedeemed,
      trustedOrigins: new Set(),
      generationLimit: { max: 30, windowMs: 600_000 },
    });
    await moduleRef.close();
  });
});
