import { ConfigurableModuleBuilder, type ConfigurableModuleAsyncOptions } from '@nestjs/common';
import type { MfaModuleOptions, MfaRoutesOptions } from './mfa-module-options.interface.js';

/**
 * Extras of `forRoot()` / `forRootAsync()` beside the options.
 * @publicApi
 */
export interface MfaModuleExtras {
  /** Register the module globally. Default: `false`. */
  isGlobal?: boolean;
  /**
   * Mount the ready-made routes under `path` (`true`: `'me/mfa'`). Read at import time, also with
   * `forRootAsync()`, because the controller must exist before any factory runs; the factory may
   * add the other route options (see `MfaModuleOptions.routes`). Default: `false` (bring your own
   * controller).
   */
  routes?: boolean | MfaRoutesOptions;
}

/** @internal */
export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<MfaModuleOptions>({ moduleName: 'Mfa' })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createMfaOptions')
    .setExtras<MfaModuleExtras>({ isGlobal: false, routes: false }, (definition, extras) => ({
      ...definition,
      global: extras.isGlobal,
    }))
    .build();

// Spelled out rather than `typeof ASYNC_OPTIONS_TYPE`, so the public type names no internal value.
/**
 * What `MfaModule.forRootAsync()` takes: `imports`, `inject`, one of `useFactory` / `useClass` /
 * `useExisting`, and the extras `isGlobal` and `routes`.
 * @publicApi
 */
export type MfaModuleAsyncOptions = ConfigurableModuleAsyncOptions<
  MfaModuleOptions,
  'createMfaOptions'
> &
  Partial<MfaModuleExtras>;

/**
 * `useClass` / `useExisting` targets of `forRootAsync()` implement this.
 * @publicApi
 */
export interface MfaOptionsFactory {
  /** Returns the module options, or a promise of them. */
  createMfaOptions(): MfaModuleOptions | Promise<MfaModuleOptions>;
}
