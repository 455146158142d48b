/**
 * The part of an OpenTelemetry `TracerProvider` the library calls, spelled out so that no published
 * type needs `@opentelemetry/api` installed.
 * @publicApi
 */
export interface MfaTracerProvider {
  /** Returns a `Tracer` of `@opentelemetry/api`. */
  getTracer(name: string, version?: string): unknown;
}

/**
 * The part of an OpenTelemetry `MeterProvider` the library calls.
 * @publicApi
 */
export interface MfaMeterProvider {
  /** Returns a `Meter` of `@opentelemetry/api`. */
  getMeter(name: string, version?: string): unknown;
}

/**
 * OpenTelemetry spans and metrics (`telemetry` in `MfaModule.forRoot()`). Needs the optional peer
 * `@opentelemetry/api`, loaded only when this is set. See docs/telemetry.md for every span, metric
 * and attribute.
 * @publicApi
 */
export interface MfaTelemetryOptions {
  /**
   * Puts the user id (`user.id`) on spans and metric points. Metric points per user can be costly
   * in a metrics backend, and a user id may be personal data. Default: `false`.
   */
  includeUserId?: boolean;
  /** Where spans go. Default: the global provider (`trace.getTracerProvider()`), as the SDK registers it. */
  tracerProvider?: MfaTracerProvider;
  /** Where metrics go. Default: the global provider (`metrics.getMeterProvider()`). */
  meterProvider?: MfaMeterProvider;
}
