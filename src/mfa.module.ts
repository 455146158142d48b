import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { MfaAuthGuard } from './auth/mfa-auth.guard.js';
import { MfaExceptionFilter } from './auth/mfa-exception.filter.js';
import { RetryAfterInterceptor } from './auth/retry-after.interceptor.js';
import { RecoveryCodeHasher } from './codes/recovery-code.hasher.js';
import { MFA_MODULE_OPTIONS } from './mfa.constants.js';
import {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN,
  type MfaModuleAsyncOptions,
  type MfaModuleExtras,
} from './mfa.module-definition.js';
import { MfaService } from './mfa.service.js';
import { MFA_IMPORT_OPTIONS, RESOLVED_MFA_OPTIONS } from './mfa.internal-constants.js';
import {
  resolveMfaOptions,
  type MfaImportOptions,
  type ResolvedMfaOptions,
} from './mfa.options.js';
import type { MfaModuleOptions } from './mfa-module-options.interface.js';
import { createMfaRoutesController } from './routes/mfa-routes.controller.js';
import { InMemoryRecoveryCodeStore } from './store/in-memory-recovery-code.store.js';
import { AttemptStore } from './store/attempt-store.interface.js';
import { isAttemptStore } from './store/is-attempt-store.js';
import { RecoveryCodeStore } from './store/recovery-code-store.interface.js';
import { MfaConfigurationError } from './mfa.exceptions.js';
import { MfaTelemetry } from './telemetry/mfa-telemetry.js';

// The one provider of options: defaults applied and every option checked once, at startup. The
// guard, the service, the hasher, the store provider, the routes and MFA_MODULE_OPTIONS read it.
const resolvedOptionsProvider: Provider = {
  provide: RESOLVED_MFA_OPTIONS,
  useFactory: (options: MfaModuleOptions, imported?: MfaImportOptions) =>
    resolveMfaOptions(options, imported),
  inject: [MODULE_OPTIONS_TOKEN, { token: MFA_IMPORT_OPTIONS, optional: true }],
};

// OpenTelemetry, loaded before the hasher and the service are built, and only when `telemetry` is set.
const telemetryProvider: Provider = {
  provide: MfaTelemetry,
  useFactory: (options: ResolvedMfaOptions) => MfaTelemetry.load(options.telemetry),
  inject: [RESOLVED_MFA_OPTIONS],
};

const storeProvider: Provider = {
  provide: RecoveryCodeStore,
  useFactory: (options: ResolvedMfaOptions) => options.store ?? new InMemoryRecoveryCodeStore(),
  inject: [RESOLVED_MFA_OPTIONS],
};

// The code store doubles as the attempt store unless one is given; every bundled store is both.
const attemptStoreProvider: Provider = {
  provide: AttemptStore,
  useFactory: (options: ResolvedMfaOptions, store: RecoveryCodeStore): AttemptStore => {
    if (options.attemptStore) return options.attemptStore;
    if (isAttemptStore(store)) return store;
    throw new MfaConfigurationError(
      'The `store` given to MfaModule.forRoot() keeps no attempt counters: set `attemptStore` to an AttemptStore (for example a RedisRecoveryCodeStore or a PostgresRecoveryCodeStore), or implement reserveAttempt(), resetAttempts(), releaseFailure() and reserveQuota() on the store.',
    );
  },
  inject: [RESOLVED_MFA_OPTIONS, RecoveryCodeStore],
};

/**
 * MFA recovery codes for a Nest app. Exports `MfaService`, the store token, `MFA_MODULE_OPTIONS`
 * (the checked options) and the guard, and registers `MfaExceptionFilter` app-wide so a 429
 * carries `Retry-After` on every route.
 * @example
 * @Module({ imports: [MfaModule.forRoot({ onMfaReset: (userId) => users.disableMfa(userId) })] })
 * export class AppModule {}
 * @publicApi
 */
@Module({
  providers: [
    resolvedOptionsProvider,
    { provide: MFA_MODULE_OPTIONS, useExisting: RESOLVED_MFA_OPTIONS },
    telemetryProvider,
    storeProvider,
    attemptStoreProvider,
    RecoveryCodeHasher,
    MfaService,
    MfaAuthGuard,
    RetryAfterInterceptor,
    { provide: APP_FILTER, useClass: MfaExceptionFilter },
  ],
  exports: [
    MfaService,
    RecoveryCodeStore,
    AttemptStore,
    MFA_MODULE_OPTIONS,
    RESOLVED_MFA_OPTIONS,
    MfaAuthGuard,
    RetryAfterInterceptor,
  ],
})
export class MfaModule extends ConfigurableModuleClass {
  /** Configures the module; every option has a default, so `forRoot()` works as is. */
  static override forRoot(options: MfaModuleOptions & MfaModuleExtras = {}): DynamicModule {
    return withImportOptions(super.forRoot(options), options.routes);
  }

  /** Configures the module from a factory, a class or an existing provider. */
  static override forRootAsync(options: MfaModuleAsyncOptions): DynamicModule {
    return withImportOptions(super.forRootAsync(options), options.routes);
  }
}

// The routes are mounted at import time; their options reach the resolved options as a provider.
function withImportOptions(
  module: DynamicModule,
  routes: MfaModuleExtras['routes'],
): DynamicModule {
  const imported: MfaImportOptions = { routes };
  const providers = [
    ...(module.providers ?? []),
    { provide: MFA_IMPORT_OPTIONS, useValue: imported },
  ];
  if (!routes) return { ...module, providers };
  const path = routes === true ? undefined : routes.path;
  return {
    ...module,
    providers,
    controllers: [...(module.controllers ?? []), createMfaRoutesController(path)],
  };
}
