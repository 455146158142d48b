import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { FAST_HASHING } from './codes/testing/fast-hashing.js';
import type { MfaEvent } from './mfa.events.js';
import { InvalidRecoveryCodeException } from './mfa.exceptions.js';
import { MfaModule } from './mfa.module.js';
import type { MfaNotice } from './mfa.notices.js';
import { MfaService } from './mfa.service.js';
import type { MfaModuleOptions } from './mfa-module-options.interface.js';
import { InMemoryRecoveryCodeStore } from './store/in-memory-recovery-code.store.js';

const HEX_CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/;

const modules: TestingModule[] = [];
afterEach(async () => {
  await Promise.all(modules.splice(0).map((m) => m.close()));
});

async function setup(options: MfaModuleOptions = {}) {
  const store = new InMemoryRecoveryCodeStore();
  const logs: string[] = [];
  const record = (...parts: unknown[]) => void logs.push(parts.map(String).join(' '));
  const logger: LoggerService = { log() {}, error: record, warn: record };
  const notices: MfaNotice[] = [];
  const builder = Test.createTestingModule({
    imports: [
      MfaModule.forRoot({
        store,
        hashing: FAST_HASHING,
        maxAttempts: 100,
        replaceOnUse: true,
        onMfaReset: () => undefined,
        notify: (notice) => void notices.push(notice),
        ...options,
      }),
    ],
  });
  builder.setLogger(logger);
  const moduleRef = await builder.compile();
  modules.push(moduleRef);
  const mfa = moduleRef.get(MfaService);
  const events: MfaEvent[] = [];
  mfa.events$.subscribe((event) => events.push(event));
  return { mfa, store, logs, notices, events };
}

async function redeemable(mfa: MfaService, code: string): Promise<boolean> {
  try {
    await mfa.redeemRecoveryCode('alice', code);
    return true;
  } catch (error) {
    if (error instanceof InvalidRecoveryCodeException) return false;
    throw error;
  }
}

describe('MfaService replaceOnUse', () => {
  it('issues one new code with each redemption, so the codes left stay the same', async () => {
    const { mfa } = await setup();
    const { codes } = await mfa.generateRecoveryCodes('alice', 3);
    const first = await mfa.redeemRecoveryCode('alice', codes[0]);
    expect(first).toEqual({ remaining: 3, replacement: expect.stringMatching(HEX_CODE) });
    expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 3 });
    expect(await redeemable(mfa, codes[0])).toBe(false);

    const second = await mfa.redeemRecoveryCode('alice', first.replacement as string);
    expect(second).toEqual({ remaining: 3, replacement: expect.stringMatching(HEX_CODE) });
    expect(second.replacement).not.toBe(first.replacement);
    expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 3 });
  });

  it('issues one new code with a reset, and resolves it as { replacement }', async () => {
    const { mfa } = await setup();
    const { codes } = await mfa.generateRecoveryCodes('alice', 3);
    const result = await mfa.resetMfa('alice', codes[0]);
    expect(result).toEqual({ replacement: expect.stringMatching(HEX_CODE) });
    expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 3 });
    expect(await redeemable(mfa, result?.replacement as string)).toBe(true);
  });

  it('issues the replacement after revokeAllOnReset revoked the others: it is the only code left', async () => {
    const { mfa } = await setup({ revokeAllOnReset: true });
    const { codes } = await mfa.generateRecoveryCodes('alice', 3);
    const result = await mfa.resetMfa('alice', codes[0]);
    expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 1 });
    expect(await redeemable(mfa, codes[1])).toBe(false);
    expect(await redeemable(mfa, result?.replacement as string)).toBe(true);
  });

  it('is off by default: no replacement on redeem, and a reset resolves undefined', async () => {
    const { mfa } = await setup({ replaceOnUse: undefined });
    const { codes } = await mfa.generateRecoveryCodes('alice', 3);
    const redeemed = await mfa.redeemRecoveryCode('alice', codes[0]);
    expect(redeemed).toStrictEqual({ remaining: 2 });
    await expect(mfa.resetMfa('alice', codes[1])).resolves.toBeUndefined();
    expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 1 });
  });

  it('issues exactly one replacement under 50 concurrent redemptions of one code', async () => {
    const { mfa, store } = await setup();
    const { codes } = await mfa.generateRecoveryCodes('alice', 2);
    const append = jest.spyOn(store, 'append');
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => mfa.redeemRecoveryCode('alice', codes[0])),
    );
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(won).toEqual([{ remaining: 2, replacement: expect.stringMatching(HEX_CODE) }]);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(49);
    expect(append).toHaveBeenCalledTimes(1);
    expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 2 });
  });

  it('keeps the used code used, and says no replacement was issued, when issuing it fails', async () => {
    const { mfa, store, logs } = await setup();
    const { codes } = await mfa.generateRecoveryCodes('alice', 3);
    jest.spyOn(store, 'append').mockRejectedValueOnce(new Error('connection reset'));
    await expect(mfa.redeemRecoveryCode('alice', codes[0])).resolves.toStrictEqual({
      remaining: 2,
      replacement: null,
    });
    expect(logs.join('\n')).toContain(
      'Could not issue the replacement recovery code of user alice after a redeem; the used code stays used',
    );
    expect(await redeemable(mfa, codes[0])).toBe(false);
    expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 2 });

    jest.spyOn(store, 'append').mockRejectedValueOnce(new Error('connection reset'));
    await expect(mfa.resetMfa('alice', codes[1])).resolves.toStrictEqual({ replacement: null });
  });

  it('announces the use, then the issued code, without the code', async () => {
    const { mfa, events, notices } = await setup();
    const { codes } = await mfa.generateRecoveryCodes('alice', 3);
    const { replacement } = await mfa.redeemRecoveryCode('alice', codes[0]);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(events.slice(1).map((e) => e.type)).toEqual(['used', 'generated']);
    expect(notices.slice(1).map(({ timestamp: _, ...n }) => n)).toEqual([
      { kind: 'code_used', userId: 'alice', purpose: 'redeem', remaining: 3 },
      { kind: 'codes_issued', userId: 'alice', replaced: false, remaining: 3 },
    ]);
    expect(JSON.stringify([events, notices])).not.toContain(String(replacement).slice(0, 8));
  });

  it('refuses a replaceOnUse that is not a boolean at startup', async () => {
    await expect(setup({ replaceOnUse: 'yes' as never })).rejects.toThrow(
      '`replaceOnUse` must be true or false',
    );
  });
});
