import { afterEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { MfaModule } from './mfa.module.js';
import type { MfaModuleOptions } from './mfa-module-options.interface.js';

const modules: TestingModule[] = [];
afterEach(async () => {
  await Promise.all(modules.splice(0).map((m) => m.close()));
});

/** Starts the module as an app would, and returns the warnings it logged. */
async function startupWarnings(options: MfaModuleOptions): Promise<string[]> {
  const warnings: string[] = [];
  const builder = Test.createTestingModule({ imports: [MfaModule.forRoot(options)] });
  builder.setLogger({
    log() {},
    error() {},
    warn: (message: unknown) => void warnings.push(String(message)),
  });
  const moduleRef = await builder.compile();
  modules.push(moduleRef);
  await moduleRef.init();
  return warnings;
}

describe('MfaModule startup warnings', () => {
  it('logs none with the defaults', async () => {
    expect(await startupWarnings({})).toEqual([]);
  });

  it('warns once when maxConsecutiveFailures is above 100, naming NIST SP 800-63B-4 §3.2.2', async () => {
    expect(await startupWarnings({ maxConsecutiveFailures: 100 })).toEqual([]);
    const warnings = await startupWarnings({ maxConsecutiveFailures: 101 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('`maxConsecutiveFailures` 101');
    expect(warnings[0]).toContain('NIST SP 800-63B-4 §3.2.2');
  });
});
