import { MfaTelemetry, type MfaOperation, type MfaSpanAttributes } from './mfa-telemetry.js';

/**
 * @internal Runs the decorated `async (userId, …)` method in a telemetry span of `operation`
 * (`MfaTelemetry.operation()`), through the instance's `telemetry`; `attributes` reads what the
 * span may say about the result (counts, never codes). A plain call when telemetry is off.
 */
export function Traced<R>(
  operation: MfaOperation,
  attributes?: (result: R) => MfaSpanAttributes,
): (
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<(...args: never[]) => Promise<R>>,
) => void {
  return (_target, _key, descriptor) => {
    const original = descriptor.value;
    if (!original) return;
    descriptor.value = function (this: { telemetry?: MfaTelemetry }, ...args: never[]) {
      const telemetry = this.telemetry ?? MfaTelemetry.off;
      const userId: unknown = args[0];
      return telemetry.operation(
        operation,
        typeof userId === 'string' ? userId : undefined,
        async (span) => {
          const result = await original.apply(this, args);
          if (attributes) span.set(attributes(result));
          return result;
        },
      );
    };
  };
}
