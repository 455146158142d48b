import { AsyncLocalStorage } from 'node:async_hooks';
import type * as OtelApi from '@opentelemetry/api';
import type { MfaEvent } from '../mfa.events.js';
import {
  InvalidRecoveryCodeException,
  MfaConfigurationError,
  RecoveryCodeInputException,
  RecoveryCodeStoreUnavailableException,
  TooManyAttemptsException,
} from '../mfa.exceptions.js';
import { MfaOverloadedException, TooManyGenerationsException } from '../mfa-limits.exceptions.js';
import type { ResolvedTelemetryOptions } from './mfa-telemetry.options.js';

/** @internal The `MfaService` calls that get a span. */
export type MfaOperation =
  | 'generate_recovery_code'
  | 'generate_recovery_codes'
  | 'redeem_recovery_code'
  | 'reset_mfa'
  | 'get_recovery_code_status'
  | 'revoke_recovery_codes'
  | 'unlock_recovery_codes';

/** @internal Attributes a service call adds to its span as it learns them. Never a code. */
export interface MfaSpanAttributes {
  'mfa.codes.count'?: number;
  'mfa.codes.remaining'?: number;
}

/** @internal Lets a service call add attributes to its span. */
export interface MfaSpan {
  set(attributes: MfaSpanAttributes): void;
}

/** @internal Instrumentation scope: spans and metrics carry this name. */
export const TELEMETRY_SCOPE = '@nest-auth/mfa';

const NOOP_SPAN: MfaSpan = { set: () => undefined };

/** Outcomes that are the server's fault, marked as span errors; the rest are answers. */
const FAULTS = new Set(['store_unavailable', 'overloaded', 'configuration_error', 'error']);

/** @internal The API and the instruments, once `@opentelemetry/api` is loaded. */
interface Instruments {
  api: typeof OtelApi;
  tracer: OtelApi.Tracer;
  includeUserId: boolean;
  generated: OtelApi.Counter;
  redeemed: OtelApi.Counter;
  resets: OtelApi.Counter;
  failedAttempts: OtelApi.Counter;
  lockouts: OtelApi.Counter;
  storeFaults: OtelApi.Counter;
  argon2Duration: OtelApi.Histogram;
}

/**
 * @internal OpenTelemetry for the service, the hasher and the store calls, or nothing at all: when
 * `telemetry` is off, `@opentelemetry/api` is never imported and every method is a plain call.
 * Spans and metric attributes carry outcomes, counts and operation names, never a code or a digest,
 * and the user id only with `includeUserId`.
 */
export class MfaTelemetry {
  /** Telemetry off. */
  static readonly off = new MfaTelemetry(undefined);

  /** The span of the service call running, so that store spans become its children. */
  private readonly current = new AsyncLocalStorage<OtelApi.Span>();

  private constructor(private readonly otel: Instruments | undefined) {}

  /**
   * Loads `@opentelemetry/api` when `telemetry` is set, and creates the instruments.
   * @throws MfaConfigurationError naming the fix when the package is missing.
   */
  static async load(
    options: ResolvedTelemetryOptions,
    importApi: () => Promise<unknown> = () => import('@opentelemetry/api'),
  ): Promise<MfaTelemetry> {
    if (!options) return MfaTelemetry.off;
    let api: typeof OtelApi;
    try {
      const loaded = (await importApi()) as typeof OtelApi & { default?: typeof OtelApi };
      api = loaded.trace ? loaded : (loaded.default ?? loaded);
    } catch (error) {
      throw new MfaConfigurationError(
        `\`telemetry\` is set in MfaModule.forRoot(), but @opentelemetry/api could not be loaded (${error instanceof Error ? error.message : String(error)}): install it (\`npm install @opentelemetry/api\`), or remove \`telemetry\`.`,
      );
    }
    const tracer = (
      (options.tracerProvider as OtelApi.TracerProvider | undefined) ?? api.trace
    ).getTracer(TELEMETRY_SCOPE);
    const meter = (
      (options.meterProvider as OtelApi.MeterProvider | undefined) ?? api.metrics
    ).getMeter(TELEMETRY_SCOPE);
    const counter = (name: string, unit: string, description: string) =>
      meter.createCounter(name, { unit, description });
    return new MfaTelemetry({
      api,
      tracer,
      includeUserId: options.includeUserId,
      generated: counter('mfa.recovery_codes.generated', '{code}', 'Recovery codes generated.'),
      redeemed: counter(
        'mfa.recovery_codes.redeemed',
        '{code}',
        'Recovery codes redeemed with redeemRecoveryCode().',
      ),
      resets: counter('mfa.resets', '{reset}', 'MFA resets with a recovery code (resetMfa()).'),
      failedAttempts: counter(
        'mfa.recovery_codes.failed_attempts',
        '{attempt}',
        'Checks of a wrong, unknown, used or revoked recovery code.',
      ),
      lockouts: counter(
        'mfa.lockouts',
        '{lockout}',
        'Failed attempts that used up a user’s maxAttempts.',
      ),
      storeFaults: counter(
        'mfa.store.faults',
        '{fault}',
        'Store or attempt-store calls that failed (answered with 503 store_unavailable).',
      ),
      argon2Duration: meter.createHistogram('mfa.argon2.duration', {
        unit: 's',
        description: 'Time of one argon2 hash or verification, not counting the queue.',
        advice: {
          explicitBucketBoundaries: [
            0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28,
          ],
        },
      }),
    });
  }

  /** Whether anything is recorded. */
  get enabled(): boolean {
    return this.otel !== undefined;
  }

  /**
   * Runs a service call in a span `mfa.<operation>` whose `mfa.outcome` is `success` or what the
   * error means (`invalid_code`, `too_many_attempts`, …). The span is the active one while it runs.
   */
  async operation<T>(
    operation: MfaOperation,
    userId: string | undefined,
    run: (span: MfaSpan) => Promise<T>,
  ): Promise<T> {
    const otel = this.otel;
    if (!otel) return run(NOOP_SPAN);
    const { api } = otel;
    const parent = api.context.active();
    const span = otel.tracer.startSpan(
      `mfa.${operation}`,
      {
        kind: api.SpanKind.INTERNAL,
        attributes: {
          'mfa.operation': operation,
          ...(otel.includeUserId && userId ? { 'user.id': userId } : {}),
        },
      },
      parent,
    );
    try {
      const result = await api.context.with(api.trace.setSpan(parent, span), () =>
        this.current.run(span, () =>
          run({ set: (attributes) => span.setAttributes({ ...attributes }) }),
        ),
      );
      span.setAttribute('mfa.outcome', 'success');
      return result;
    } catch (error) {
      const outcome = outcomeOf(error);
      span.setAttribute('mfa.outcome', outcome);
      if (FAULTS.has(outcome)) {
        span.setAttribute('error.type', outcome === 'error' ? errorType(error) : outcome);
        span.setStatus({ code: api.SpanStatusCode.ERROR });
      }
      throw error;
    } finally {
      span.end();
    }
  }

  /** Runs a store call in a span `mfa.store.<operation>`, a child of the running service call. */
  async store<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const otel = this.otel;
    if (!otel) return call();
    const { api } = otel;
    const parentSpan = this.current.getStore();
    const parent = parentSpan
      ? api.trace.setSpan(api.context.active(), parentSpan)
      : api.context.active();
    const span = otel.tracer.startSpan(
      `mfa.store.${operation}`,
      { kind: api.SpanKind.INTERNAL, attributes: { 'mfa.store.operation': operation } },
      parent,
    );
    try {
      const result = await api.context.with(api.trace.setSpan(parent, span), call);
      span.setAttribute('mfa.outcome', 'ok');
      return result;
    } catch (error) {
      span.setAttribute('mfa.outcome', 'fault');
      span.setAttribute('error.type', errorType(error));
      span.setStatus({ code: api.SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  }

  /** Counts a store fault of `operation`. */
  storeFault(operation: string): void {
    this.otel?.storeFaults.add(1, { 'mfa.store.operation': operation });
  }

  /** Records the time of one argon2 operation. */
  argon2(operation: 'hash' | 'verify', ms: number, backend: string): void {
    this.otel?.argon2Duration.record(ms / 1000, {
      'mfa.argon2.operation': operation,
      'mfa.argon2.backend': backend,
    });
  }

  /** Counts what a lifecycle event says happened. */
  event(event: MfaEvent): void {
    const otel = this.otel;
    if (!otel) return;
    const user = otel.includeUserId ? { 'user.id': event.userId } : {};
    switch (event.type) {
      case 'generated':
        otel.generated.add(event.count, { ...user, 'mfa.replaced': event.replaced });
        break;
      case 'used':
        if (event.purpose === 'redeem') otel.redeemed.add(1, user);
        break;
      case 'reset':
        otel.resets.add(1, user);
        break;
      case 'failed_attempt':
        otel.failedAttempts.add(1, user);
        break;
      case 'locked_out':
        otel.lockouts.add(1, user);
        break;
      default:
        break;
    }
  }
}

/** @internal What an error of a service call means, as `mfa.outcome`. */
export function outcomeOf(error: unknown): string {
  if (error instanceof InvalidRecoveryCodeException) return 'invalid_code';
  if (error instanceof TooManyAttemptsException) return 'too_many_attempts';
  if (error instanceof TooManyGenerationsException) return 'too_many_generations';
  if (error instanceof MfaOverloadedException) return 'overloaded';
  if (error instanceof RecoveryCodeStoreUnavailableException) return 'store_unavailable';
  if (error instanceof RecoveryCodeInputException) return 'bad_input';
  if (error instanceof MfaConfigurationError) return 'configuration_error';
  return 'error';
}

/** The class name only: messages may come from an app's hook and are not ours to export. */
function errorType(error: unknown): string {
  return error instanceof Error ? error.constructor.name || error.name : typeof error;
}
