import { MfaConfigurationError } from '../mfa.exceptions.js';
import type {
  MfaMeterProvider,
  MfaTelemetryOptions,
  MfaTracerProvider,
} from './mfa-telemetry-options.interface.js';

/**
 * `telemetry` checked, with defaults applied; `false` when off.
 * @publicApi
 */
export type ResolvedTelemetryOptions =
  | false
  | {
      /** See `MfaTelemetryOptions.includeUserId`. */
      readonly includeUserId: boolean;
      /** See `MfaTelemetryOptions.tracerProvider`; `undefined`: the global one. */
      readonly tracerProvider?: MfaTracerProvider;
      /** See `MfaTelemetryOptions.meterProvider`; `undefined`: the global one. */
      readonly meterProvider?: MfaMeterProvider;
    };

/** @internal Applies the defaults of `telemetry` and checks it, naming the option to fix. */
export function resolveTelemetryOptions(
  value: boolean | MfaTelemetryOptions | undefined,
): ResolvedTelemetryOptions {
  if (value === undefined || value === false) return false;
  const options: MfaTelemetryOptions = value === true ? {} : value;
  if (typeof options !== 'object' || options === null) {
    throw new MfaConfigurationError(
      '`telemetry` must be `true` or `{ includeUserId?, tracerProvider?, meterProvider? }`: fix it in MfaModule.forRoot().',
    );
  }
  if (options.tracerProvider && typeof options.tracerProvider.getTracer !== 'function') {
    throw new MfaConfigurationError(
      '`telemetry.tracerProvider` must be an OpenTelemetry TracerProvider (with `getTracer()`): fix it in MfaModule.forRoot().',
    );
  }
  if (options.meterProvider && typeof options.meterProvider.getMeter !== 'function') {
    throw new MfaConfigurationError(
      '`telemetry.meterProvider` must be an OpenTelemetry MeterProvider (with `getMeter()`): fix it in MfaModule.forRoot().',
    );
  }
  return {
    includeUserId: options.includeUserId === true,
    ...(options.tracerProvider ? { tracerProvider: options.tracerProvider } : {}),
    ...(options.meterProvider ? { meterProvider: options.meterProvider } : {}),
  };
}
