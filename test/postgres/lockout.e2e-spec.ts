import { afterAll, afterEach, beforeAll, expect, it } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Pool } from 'pg';
import type { MfaEvent } from '../../src/mfa.events.js';
import { MfaModule } from '../../src/mfa.module.js';
import { MfaService } from '../../src/mfa.service.js';
import type { MfaModuleOptions } from '../../src/mfa-module-options.interface.js';
import { PostgresRecoveryCodeStore } from '../../src/postgres/index.js';
import { FAST_HASHING } from '../utils/test-app.js';
import { createTestDatabase, describePostgres, type TestDatabase } from './pg-harness.js';

const WRONG = 'ffffffff-ffff-ffff-ffff';
/** A window short enough to wait out in a test, on the database's own clock. */
const WINDOW_MS = 300;

describePostgres()('The consecutive-failure lock on PostgreSQL', () => {
  let db: TestDatabase;
  let pool: Pool;
  const modules: TestingModule[] = [];
  let sequence = 0;

  beforeAll(async () => {
    db = await createTestDatabase('lockout');
    pool = new Pool({ connectionString: db.url, max: 20 });
    await new PostgresRecoveryCodeStore({ pool }).migrate();
  });

  afterEach(async () => {
    await Promise.all(modules.splice(0).map((m) => m.close()));
  });

  afterAll(async () => {
    await pool?.end();
    await db?.close();
  });

  async function setup(options: MfaModuleOptions) {
    const builder = Test.createTestingModule({
      imports: [
        MfaModule.forRoot({
          store: new PostgresRecoveryCodeStore({ pool }),
          hashing: FAST_HASHING,
          ...options,
        }),
      ],
    });
    builder.setLogger({ log() {}, error() {}, warn() {} });
    const moduleRef = await builder.compile();
    modules.push(moduleRef);
    const mfa = moduleRef.get(MfaService);
    const events: MfaEvent[] = [];
    mfa.events$.subscribe((event) => events.push(event));
    return { mfa, events, user: `pg-lock-${++sequence}` };
  }

  /** The HTTP status a call ends with, `'permanent'` for the lock's 429, `'hook'` for the app's. */
  async function outcome(call: Promise<unknown>): Promise<number | 'permanent' | 'hook'> {
    try {
      await call;
      return 200;
    } catch (error) {
      if (!(error instanceof HttpException)) return 'hook';
      const body = error.getResponse() as { permanent?: boolean };
      return body.permanent === true ? 'permanent' : error.getStatus();
    }
  }

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('counts failures across windows and locks the codes, consuming nothing, until unlocked', async () => {
    const { mfa, user } = await setup({
      maxAttempts: 2,
      attemptWindowMs: WINDOW_MS,
      maxConsecutiveFailures: 5,
    });
    const { code } = await mfa.generateRecoveryCode(user);
    const seen: (number | string)[] = [];
    for (const burst of [2, 2, 1]) {
      for (let i = 0; i < burst; i++) seen.push(await outcome(mfa.redeemRecoveryCode(user, WRONG)));
      await pause(WINDOW_MS + 50);
    }
    expect(seen).toEqual([401, 401, 401, 401, 401]);
    expect(await outcome(mfa.redeemRecoveryCode(user, code))).toBe('permanent');
    await pause(WINDOW_MS + 50);
    expect(await outcome(mfa.redeemRecoveryCode(user, code))).toBe('permanent');
    expect(await mfa.getRecoveryCodeStatus(user)).toMatchObject({ remaining: 1 });
    await mfa.unlockRecoveryCodes(user);
    expect(await outcome(mfa.redeemRecoveryCode(user, code))).toBe(200);
  });

  it('lets at most maxConsecutiveFailures of a concurrent burst be checked, and announces the lock once', async () => {
    const { mfa, events, user } = await setup({ maxAttempts: 1000, maxConsecutiveFailures: 5 });
    await mfa.generateRecoveryCodes(user, 2);
    const seen = await Promise.all(
      Array.from({ length: 30 }, () => outcome(mfa.redeemRecoveryCode(user, WRONG))),
    );
    expect(seen.filter((s) => s === 401)).toHaveLength(5);
    expect(seen.filter((s) => s === 'permanent')).toHaveLength(25);
    expect(events.filter((e) => e.type === 'locked_out')).toEqual([
      expect.objectContaining({ permanent: true, until: null }),
    ]);
  });

  it('neither counts nor clears a reset whose hook throws, and lifts the lock with a new set', async () => {
    const { mfa, events, user } = await setup({
      maxAttempts: 1000,
      maxConsecutiveFailures: 3,
      onMfaReset: () => {
        throw new Error('could not disable MFA');
      },
    });
    const { code } = await mfa.generateRecoveryCode(user);
    for (let i = 0; i < 2; i++) await outcome(mfa.redeemRecoveryCode(user, WRONG));
    for (let i = 0; i < 4; i++) expect(await outcome(mfa.resetMfa(user, code))).toBe('hook');
    expect(await outcome(mfa.redeemRecoveryCode(user, WRONG))).toBe(401);
    const failures = events.flatMap((e) => (e.type === 'failed_attempt' ? [e.failures] : []));
    expect(failures).toEqual([1, 2, 3]);
    expect(await outcome(mfa.redeemRecoveryCode(user, code))).toBe('permanent');

    const { code: one } = await mfa.generateRecoveryCode(user);
    expect(await outcome(mfa.redeemRecoveryCode(user, one))).toBe('permanent');
    const { codes } = await mfa.generateRecoveryCodes(user, 2);
    expect(await outcome(mfa.redeemRecoveryCode(user, codes[0]))).toBe(200);
  });

  it('answers 401 and 200, not 503, with limits of 2^31 and more', async () => {
    const { mfa, user } = await setup({
      maxAttempts: 2 ** 31,
      maxConsecutiveFailures: Number.MAX_SAFE_INTEGER,
    });
    const { code } = await mfa.generateRecoveryCode(user);
    expect(await outcome(mfa.redeemRecoveryCode(user, WRONG))).toBe(401);
    expect(await outcome(mfa.redeemRecoveryCode(user, code))).toBe(200);
  });
});
