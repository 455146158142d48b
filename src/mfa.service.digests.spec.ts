import { afterEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { FAST_HASHING } from './codes/testing/fast-hashing.js';
import { MfaModule } from './mfa.module.js';
import { MfaService } from './mfa.service.js';
import { RecordingStore } from './store/testing/recording-store.js';
import type { NewRecoveryCodeRecord } from './store/recovery-code-store.interface.js';

const modules: TestingModule[] = [];
afterEach(async () => {
  await Promise.all(modules.splice(0).map((m) => m.close()));
});

/** The PHC string argon2 writes: `$argon2id$v=19$m=…,p=…,t=…$<salt>$<hash>`, base64 unpadded. */
function parsePhc(digest: string) {
  const match = /^\$argon2id\$v=\d+\$[mpt=\d,]+\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(digest);
  if (!match) throw new Error(`not an argon2id PHC string: ${digest.slice(0, 20)}…`);
  return { salt: Buffer.from(match[1], 'base64'), hash: Buffer.from(match[2], 'base64') };
}

describe('MfaService digests', () => {
  it('stores each code salted with at least 32 random bits: every digest has its own salt', async () => {
    const store = new RecordingStore();
    const builder = Test.createTestingModule({
      imports: [MfaModule.forRoot({ store, hashing: FAST_HASHING, maxActiveCodes: 100 })],
    });
    builder.setLogger({ log() {}, error() {}, warn() {} });
    const moduleRef = await builder.compile();
    modules.push(moduleRef);
    const mfa = moduleRef.get(MfaService);
    await mfa.generateRecoveryCodes('alice', 100);
    await mfa.generateRecoveryCodes('bob', 50);
    for (let i = 0; i < 10; i++) await mfa.generateRecoveryCode('carol');

    const records = store.calls.flatMap((call) =>
      call.method === 'replaceAll'
        ? (call.args[1] as NewRecoveryCodeRecord[])
        : call.method === 'append'
          ? [call.args[1] as NewRecoveryCodeRecord]
          : [],
    );
    expect(records).toHaveLength(160);
    const salts = records.map((record) => parsePhc(record.digest).salt);
    for (const salt of salts) expect(salt.length * 8).toBeGreaterThanOrEqual(32);
    expect(new Set(salts.map((salt) => salt.toString('hex'))).size).toBe(records.length);
  });
});
