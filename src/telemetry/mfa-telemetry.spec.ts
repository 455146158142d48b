import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { metrics, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { Test, type TestingModule } from '@nestjs/testing';
import { FAST_HASHING } from '../codes/testing/fast-hashing.js';
import { MfaConfigurationError } from '../mfa.exceptions.js';
import { MfaModule } from '../mfa.module.js';
import { MfaService } from '../mfa.service.js';
import type { MfaModuleOptions } from '../mfa-module-options.interface.js';
import { RecordingStore } from '../store/testing/recording-store.js';
import { MfaTelemetry } from './mfa-telemetry.js';

const WRONG = '00000000-0000-0000-0000';

/** The SDK with in-memory exporters, as a test harness for what an operator's backend receives. */
function sdk() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spans)],
  });
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    spans,
    tracerProvider,
    meterProvider,
    /** Every metric as last exported, by name. */
    async metrics(): Promise<Map<string, MetricData>> {
      await reader.forceFlush();
      const last = exporter.getMetrics().at(-1);
      const all = last?.scopeMetrics.flatMap((scope) => scope.metrics) ?? [];
      return new Map(all.map((metric) => [metric.descriptor.name, metric]));
    },
    shutdown: () => Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]),
  };
}

const modules: TestingModule[] = [];
const sdks: ReturnType<typeof sdk>[] = [];
afterEach(async () => {
  await Promise.all(modules.splice(0).map((m) => m.close()));
  await Promise.all(sdks.splice(0).map((s) => s.shutdown()));
});

async function setup(options: MfaModuleOptions) {
  const store = new RecordingStore();
  const moduleRef = await Test.createTestingModule({
    imports: [
      MfaModule.forRoot({
        store,
        hashing: FAST_HASHING,
        maxAttempts: 2,
        onMfaReset: () => undefined,
        ...options,
      }),
    ],
  })
    .setLogger({ log() {}, error() {}, warn() {} })
    .compile();
  modules.push(moduleRef);
  await moduleRef.init();
  return { mfa: moduleRef.get(MfaService), store, moduleRef };
}

/** A flow that touches every counter: generate, redeem, fail until locked, reset, a store fault. */
async function flow(mfa: MfaService, store: RecordingStore) {
  const { codes } = await mfa.generateRecoveryCodes('alice', 3);
  const { code } = await mfa.generateRecoveryCode('alice');
  await mfa.redeemRecoveryCode('alice', codes[0]!);
  for (let i = 0; i < 3; i++) await mfa.redeemRecoveryCode('mallory', WRONG).catch(() => undefined);
  await mfa.resetMfa('alice', codes[1]!);
  await mfa.getRecoveryCodeStatus('alice');
  await mfa.revokeRecoveryCodes('alice');
  store.failing.add('status');
  await mfa.getRecoveryCodeStatus('alice').catch(() => undefined);
  store.failing.delete('status');
  return [...codes, code];
}

const sum = (metric: MetricData | undefined) =>
  (metric?.dataPoints ?? []).reduce((total, point) => total + (point.value as number), 0);

function attributesOf(spans: ReadableSpan[]): Record<string, unknown>[] {
  return spans.map((span) => ({ name: span.name, ...span.attributes }));
}

describe('MfaTelemetry', () => {
  it('loads nothing and records nothing by default', async () => {
    const importApi = jest.fn(() => import('@opentelemetry/api'));
    const off = await MfaTelemetry.load(false, importApi);
    expect(importApi).not.toHaveBeenCalled();
    expect(off.enabled).toBe(false);

    const { moduleRef, mfa } = await setup({});
    expect(moduleRef.get(MfaTelemetry, { strict: false }).enabled).toBe(false);
    await expect(mfa.generateRecoveryCode('alice')).resolves.toHaveProperty('code');
  });

  it('fails to start, naming the fix, when telemetry is set and @opentelemetry/api is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@opentelemetry/api'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await MfaTelemetry.load({ includeUserId: false }, () =>
      Promise.reject(missing),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MfaConfigurationError);
    expect((error as Error).message).toContain('`npm install @opentelemetry/api`');
  });

  it('spans every service call and store operation with its outcome, never a code or a user id', async () => {
    const otel = sdk();
    sdks.push(otel);
    const { mfa, store } = await setup({
      telemetry: { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider },
    });
    const codes = await flow(mfa, store);
    const spans = otel.spans.getFinishedSpans();
    const byName = (name: string) => spans.filter((span) => span.name === name);

    expect(attributesOf(byName('mfa.generate_recovery_codes'))).toEqual([
      {
        name: 'mfa.generate_recovery_codes',
        'mfa.operation': 'generate_recovery_codes',
        'mfa.codes.count': 3,
        'mfa.outcome': 'success',
      },
    ]);
    expect(byName('mfa.redeem_recovery_code').map((s) => s.attributes['mfa.outcome'])).toEqual([
      'success',
      'invalid_code',
      'invalid_code',
      'too_many_attempts',
    ]);
    expect(byName('mfa.redeem_recovery_code')[0]!.attributes['mfa.codes.remaining']).toBe(3);
    expect(byName('mfa.reset_mfa')[0]!.attributes['mfa.outcome']).toBe('success');
    expect(byName('mfa.revoke_recovery_codes')[0]!.attributes['mfa.outcome']).toBe('success');

    // The store fault: an error on the service span and on its store span.
    const [ok, failed] = byName('mfa.get_recovery_code_status');
    expect(ok!.attributes).toMatchObject({ 'mfa.outcome': 'success', 'mfa.codes.remaining': 2 });
    expect(failed!.attributes).toMatchObject({
      'mfa.outcome': 'store_unavailable',
      'error.type': 'store_unavailable',
    });
    expect(failed!.status.code).toBe(2); // SpanStatusCode.ERROR
    const faultSpan = byName('mfa.store.status').at(-1)!;
    expect(faultSpan.attributes).toMatchObject({ 'mfa.outcome': 'fault', 'error.type': 'Error' });
    expect(faultSpan.parentSpanContext?.spanId).toBe(failed!.spanContext().spanId);

    // Store operations are children of the call that made them.
    const redeem = byName('mfa.redeem_recovery_code')[0]!;
    const children = spans
      .filter((span) => span.parentSpanContext?.spanId === redeem.spanContext().spanId)
      .map((span) => span.name);
    expect(children).toEqual(
      expect.arrayContaining([
        'mfa.store.reserveAttempt',
        'mfa.store.findActive',
        'mfa.store.consume',
        'mfa.store.resetAttempts',
      ]),
    );
    for (const child of spans.filter((s) => s.name.startsWith('mfa.store.'))) {
      expect(child.spanContext().traceId).toBe(
        spans.find((s) => s.spanContext().spanId === child.parentSpanContext?.spanId)?.spanContext()
          .traceId,
      );
    }

    const exported = JSON.stringify(attributesOf(spans));
    for (const code of codes) {
      expect(exported).not.toContain(code);
      expect(exported).not.toContain(code.replace(/-/g, ''));
    }
    expect(exported).not.toContain('$argon2');
    expect(exported).not.toContain('alice');
    expect(exported).not.toContain('user.id');
  });

  it('counts generated, redeemed, reset, failed attempts, lockouts and store faults, and times argon2', async () => {
    const otel = sdk();
    sdks.push(otel);
    const { mfa, store } = await setup({
      telemetry: { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider },
    });
    await flow(mfa, store);
    const m = await otel.metrics();

    expect(sum(m.get('mfa.recovery_codes.generated'))).toBe(4);
    expect(sum(m.get('mfa.recovery_codes.redeemed'))).toBe(1);
    expect(sum(m.get('mfa.resets'))).toBe(1);
    expect(sum(m.get('mfa.recovery_codes.failed_attempts'))).toBe(2);
    expect(sum(m.get('mfa.lockouts'))).toBe(1);
    expect(m.get('mfa.store.faults')?.dataPoints).toEqual([
      expect.objectContaining({ attributes: { 'mfa.store.operation': 'status' }, value: 1 }),
    ]);

    const argon2 = m.get('mfa.argon2.duration') as HistogramMetricData;
    expect(argon2.descriptor.unit).toBe('s');
    const byOperation = Object.fromEntries(
      argon2.dataPoints.map((p) => [p.attributes['mfa.argon2.operation'], p.value]),
    );
    // 4 hashes; 2 verifications that matched, 2 that did not (the lockout needs no hash).
    expect(byOperation.hash?.count).toBe(4);
    expect(byOperation.verify?.count).toBe(4);
    expect(byOperation.hash?.min).toBeGreaterThan(0);
    expect(byOperation.hash?.max).toBeLessThan(5);
    expect(argon2.dataPoints[0]!.attributes['mfa.argon2.backend']).toMatch(
      /^(node:crypto|argon2)$/,
    );

    const attributes = [...m.values()].flatMap((metric) =>
      (metric.dataPoints as { attributes: object }[]).map((point) => point.attributes),
    );
    expect(attributes.length).toBeGreaterThan(0);
    expect(attributes.some((a) => 'user.id' in a)).toBe(false);
  });

  it('adds the user id to spans and metrics only with includeUserId', async () => {
    const otel = sdk();
    sdks.push(otel);
    const { mfa } = await setup({
      telemetry: {
        includeUserId: true,
        tracerProvider: otel.tracerProvider,
        meterProvider: otel.meterProvider,
      },
    });
    await mfa.generateRecoveryCodes('alice', 2);
    const span = otel.spans
      .getFinishedSpans()
      .find((s) => s.name === 'mfa.generate_recovery_codes');
    expect(span?.attributes['user.id']).toBe('alice');
    const generated = (await otel.metrics()).get('mfa.recovery_codes.generated');
    expect(generated?.dataPoints[0]?.attributes['user.id']).toBe('alice');
  });

  it('uses the global providers with telemetry: true', async () => {
    const otel = sdk();
    sdks.push(otel);
    trace.setGlobalTracerProvider(otel.tracerProvider);
    metrics.setGlobalMeterProvider(otel.meterProvider);
    try {
      const { mfa } = await setup({ telemetry: true });
      await mfa.generateRecoveryCode('alice');
      expect(otel.spans.getFinishedSpans().map((s) => s.name)).toContain(
        'mfa.generate_recovery_code',
      );
      expect(otel.spans.getFinishedSpans()[0]!.instrumentationScope.name).toBe('@nest-auth/mfa');
      expect(sum((await otel.metrics()).get('mfa.recovery_codes.generated'))).toBe(1);
    } finally {
      trace.disable();
      metrics.disable();
    }
  });

  it.each([
    [{ tracerProvider: {} }, 'telemetry.tracerProvider'],
    [{ meterProvider: { getMeter: 1 } }, 'telemetry.meterProvider'],
    ['yes', '`telemetry`'],
  ])('refuses telemetry %p, naming the option', async (telemetry, name) => {
    const error = await setup({ telemetry: telemetry as MfaModuleOptions['telemetry'] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MfaConfigurationError);
    expect((error as Error).message).toContain(name);
  });
});
