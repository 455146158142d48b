import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { MfaAuthGuard } from './auth/mfa-auth.guard.js';
import { RetryAfterInterceptor } from './auth/retry-after.interceptor.js';
import { RecoveryCodeHasher } from './codes/recovery-code.hasher.js';
import {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN,
  type MfaModuleAsyncOptions,
  type MfaModuleExtras,
} from './mfa.module-definition.js';
import { MfaService } from './mfa.service.js';
import { RESOLVED_MFA_OPTIONS } from './mfa.internal-constants.js';
import { resolveMfaOptions, type ResolvedMfaOptions } from './mfa.options.js';
import type { MfaModuleOptions } from './mfa-module-options.interface.js';
import { createMfaRoutesController } from './routes/mfa-routes.controller.js';
import { MFA_ROUTES_POLICY, resolveMfaRoutesPolicy } from './routes/mfa-routes.policy.js';
import { AttemptStore } from './store/attempt-store.interface.js';
import { isAttemptStore } from './store/is-attempt-store.js';
import { InMemoryRecoveryCodeStore } from './store/in-memory-recovery-code.store.js';
import { RecoveryCodeStore } from './store/recovery-code-store.interface.js';
import { MfaConfigurationError } from './mfa.exceptions.js';
import { MfaTelemetry } from './telemetry/mfa-telemetry.js';

// Defaults are applied and checked once, at startup, for the service and the hasher alike.
const resolvedOptionsProvider: Provider = {
  provide: RESOLVED_MFA_OPTIONS,
  useFactory: resolveMfaOptions,
  inject: [MODULE_OPTIONS_TOKEN],
};

// OpenTelemetry, loaded before the hasher and the service are built, and only when `telemetry` is set.
const telemetryProvider: Provider = {
  provide: MfaTelemetry,
  useFactory: (options: ResolvedMfaOptions) => MfaTelemetry.load(options.telemetry),
  inject: [RESOLVED_MFA_OPTIONS],
};

const storeProvider: Provider = {
  provide: RecoveryCodeStore,
  useFactory: (options: MfaModuleOptions) => options.store ?? new InMemoryRecoveryCodeStore(),
  inject: [MODULE_OPTIONS_TOKEN],
};

// The code store doubles as the attempt store unless one is given; every bundled store is both.
const attemptStoreProvider: Provider = {
  provide: AttemptStore,
  useFactory: (options: MfaModuleOptions, store: RecoveryCodeStore): AttemptStore => {
    if (options.attemptStore) return options.attemptStore;
    if (isAttemptStore(store)) return store;
    throw new MfaConfigurationError(
      'The `store` given to MfaModule.forRoot() keeps no attempt counters: set `attemptStore` to an AttemptStore (for example a RedisRecoveryCodeStore or a PostgresRecoveryCodeStore), or implement reserveAttempt(), resetAttempts(), releaseFailure() and reserveQuota() on the store.',
    );
  },
  inject: [MODULE_OPTIONS_TOKEN, RecoveryCodeStore],
};

/**
 * MFA recovery codes for a Nest app. Exports `MfaService`, the store token, the options token and
 * the guard.
 * @example
 * @Module({ imports: [MfaModule.forRoot({ onMfaReset: (userId) => users.disableMfa(userId) })] })
 * export class AppModule {}
 * @publicApi
 */
@Module({
  providers: [
    resolvedOptionsProvider,
    telemetryProvider,
    storeProvider,
    attemptStoreProvider,
    RecoveryCodeHasher,
    MfaService,
    MfaAuthGuard,
    RetryAfterInterceptor,
  ],
  exports: [
    MfaService,
    RecoveryCodeStore,
    AttemptStore,
    MODULE_OPTIONS_TOKEN,
    MfaAuthGuard,
    RetryAfterInterceptor,
  ],
})
export class MfaModule extends ConfigurableModuleClass {
  /** Configures the module; every option has a default, so `forRoot()` works as is. */
  static override forRoot(options: MfaModuleOptions & MfaModuleExtras = {}): DynamicModule {
    return withRoutes(super.forRoot(options), options.routes);
  }

  /** Configures the module from a factory, a class or an existing provider. */
  static override forRootAsync(options: MfaModuleAsyncOptions): DynamicModule {
    return withRoutes(super.forRootAsync(options), options.routes);
  }
}

function withRoutes(module: DynamicModule, routes: MfaModuleExtras['routes']): DynamicModule {
  if (!routes) return module;
  const path = routes === true ? undefined : routes.path;
  return {
    ...module,
    controllers: [...(module.controllers ?? []), createMfaRoutesController(path)],
    // The routes' request policy and generation limit (docs/hardening.md), checked at import time.
    providers: [
      ...(module.providers ?? []),
      {
        provide: MFA_ROUTES_POLICY,
        useValue: resolveMfaRoutesPolicy(routes === true ? {} : routes),
      },
    ],
  };
}
