import { afterEach, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { FAST_HASHING } from './codes/testing/fast-hashing.js';
import { MfaModule } from './mfa.module.js';
import type { MfaNotice } from './mfa.notices.js';
import { MfaService } from './mfa.service.js';
import type { MfaModuleOptions } from './mfa-module-options.interface.js';
import { InMemoryRecoveryCodeStore } from './store/in-memory-recovery-code.store.js';

const WRONG = 'ffffffff-ffff-ffff-ffff';

const modules: TestingModule[] = [];
afterEach(async () => {
  await Promise.all(modules.splice(0).map((m) => m.close()));
});

async function setup(options: MfaModuleOptions = {}) {
  const store = new InMemoryRecoveryCodeStore();
  const notices: MfaNotice[] = [];
  const logs: string[] = [];
  const record = (...parts: unknown[]) => void logs.push(parts.map(String).join(' '));
  const logger: LoggerService = { log() {}, error: record, warn: record };
  const builder = Test.createTestingModule({
    imports: [
      MfaModule.forRoot({
        store,
        hashing: FAST_HASHING,
        maxAttempts: 3,
        onMfaReset: () => undefined,
        notify: (notice) => void notices.push(notice),
        ...options,
      }),
    ],
  });
  builder.setLogger(logger);
  const moduleRef = await builder.compile();
  modules.push(moduleRef);
  return { mfa: moduleRef.get(MfaService), store, notices, logs };
}

/** Lets queued notices (and the reads some of them wait for) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Every action that sends a notice, once, for `alice`; returns the codes it saw. */
async function everyAction(mfa: MfaService): Promise<string[]> {
  const { codes } = await mfa.generateRecoveryCodes('alice', 3);
  const { code } = await mfa.generateRecoveryCode('alice');
  await mfa.redeemRecoveryCode('alice', codes[0]);
  await mfa.resetMfa('alice', codes[1]);
  for (let i = 0; i < 3; i++) await mfa.redeemRecoveryCode('alice', WRONG).catch(() => undefined);
  await mfa.revokeRecoveryCodes('alice');
  return [...codes, code];
}

describe('MfaService notify', () => {
  it('sends every kind of notice after its action, with the user, the codes left and the time', async () => {
    const { mfa, notices } = await setup();
    const before = Date.now();
    await everyAction(mfa);
    await settle();
    expect(notices.map(({ timestamp: _, ...rest }) => rest)).toEqual([
      { kind: 'codes_issued', userId: 'alice', replaced: true, remaining: 3 },
      { kind: 'codes_issued', userId: 'alice', replaced: false, remaining: 4 },
      { kind: 'code_used', userId: 'alice', purpose: 'redeem', remaining: 3 },
      { kind: 'code_used', userId: 'alice', purpose: 'reset', remaining: 2 },
      { kind: 'locked_out', userId: 'alice', permanent: false, remaining: 2 },
      { kind: 'codes_revoked', userId: 'alice', remaining: 0 },
    ]);
    for (const notice of notices) {
      expect(notice.timestamp).toBeInstanceOf(Date);
      expect(notice.timestamp.getTime()).toBeGreaterThanOrEqual(before);
    }
  });

  it('also sends codes_revoked when a reset revokes the other codes', async () => {
    const { mfa, notices } = await setup({ revokeAllOnReset: true });
    const { codes } = await mfa.generateRecoveryCodes('alice', 3);
    await mfa.resetMfa('alice', codes[0]);
    await settle();
    expect(notices.slice(1).map((n) => [n.kind, n.remaining])).toEqual([
      ['code_used', 0],
      ['codes_revoked', 0],
    ]);
  });

  it('never puts a code, or any part of one, in a notice', async () => {
    const { mfa, notices } = await setup();
    const codes = await everyAction(mfa);
    await settle();
    expect(notices).toHaveLength(6);
    const seen = JSON.stringify(notices);
    for (const code of codes) {
      expect(seen).not.toContain(code);
      expect(seen).not.toContain(code.replace(/-/g, ''));
      expect(seen).not.toContain(code.slice(0, 8));
    }
  });

  it.each<[string, () => unknown]>([
    [
      'throws',
      () => {
        throw new Error('mail server down');
      },
    ],
    ['rejects', () => Promise.reject(new Error('mail server down'))],
  ])('changes no result when notify %s, and logs the kind and user', async (_, notify) => {
    const quiet = await setup({ notify: () => undefined });
    const failing = await setup({ notify: notify as MfaModuleOptions['notify'] });
    const results = [];
    for (const { mfa } of [quiet, failing]) {
      const { codes } = await mfa.generateRecoveryCodes('alice', 3);
      results.push([
        await mfa.redeemRecoveryCode('alice', codes[0]),
        await mfa.resetMfa('alice', codes[1]),
        await mfa.redeemRecoveryCode('alice', WRONG).catch((e: Error) => e.message),
        await mfa.getRecoveryCodeStatus('alice').then((s) => s.remaining),
      ]);
    }
    await settle();
    expect(results[1]).toEqual(results[0]);
    expect(failing.logs.join('\n')).toContain(
      'notify failed for a code_used notice of user alice: Error: mail server down',
    );
    expect(failing.logs).toHaveLength(3);
    expect(failing.logs.join('\n')).not.toMatch(/remaining|timestamp|purpose|\{/);
  });

  it('calls notify only after the action has returned, and does not wait for it', async () => {
    const returned = new Set<string>();
    const seenReturned: [string, boolean][] = [];
    const { mfa } = await setup({
      notify: (notice) => {
        seenReturned.push([notice.kind, returned.has(notice.kind)]);
        return new Promise<void>(() => undefined); // never settles
      },
    });
    const { codes } = await mfa.generateRecoveryCodes('alice', 2);
    returned.add('codes_issued');
    await mfa.redeemRecoveryCode('alice', codes[0]);
    returned.add('code_used');
    await settle();
    expect(seenReturned).toEqual([
      ['codes_issued', true],
      ['code_used', true],
    ]);
  });

  it('still sends the notice, with remaining null, when the store cannot count the codes', async () => {
    const { mfa, store, notices, logs } = await setup();
    store.status = () => Promise.reject(new Error('connection reset'));
    await mfa.generateRecoveryCode('alice');
    await settle();
    expect(notices).toEqual([
      expect.objectContaining({ kind: 'codes_issued', userId: 'alice', remaining: null }),
    ]);
    expect(logs.join('\n')).toContain('Could not count the recovery codes of user alice');
  });

  it('refuses a notify that is not a function at startup', async () => {
    await expect(setup({ notify: 'admin@example.com' as never })).rejects.toThrow(
      '`notify` must be a function',
    );
  });
});
