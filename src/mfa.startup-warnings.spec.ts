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

  it.each<[string, MfaModuleOptions['hashing'], string]>([
    [
      'memory too small for any pass count',
      { memoryCost: 1024, timeCost: 1 },
      '`hashing.memoryCost` 1024',
    ],
    [
      'memory that no pass count makes enough',
      { memoryCost: 4096, timeCost: 3 },
      '`hashing.memoryCost` 4096',
    ],
    ['one pass at 19 MiB', { memoryCost: 19_456, timeCost: 1 }, '`hashing.timeCost` 1'],
    ['three passes at 9 MiB', { memoryCost: 9216, timeCost: 3 }, '`hashing.timeCost` 3'],
  ])(
    'warns once, naming the parameter, for argon2id below the OWASP minimum: %s',
    async (_, hashing, named) => {
      const warnings = await startupWarnings({ hashing });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(named);
      expect(warnings[0]).toContain('OWASP minimum');
    },
  );

  it.each<[string, MfaModuleOptions['hashing']]>([
    ['m=47104 t=1', { memoryCost: 47_104, timeCost: 1 }],
    ['m=12288 t=3', { memoryCost: 12_288, timeCost: 3 }],
    ['m=7168 t=5', { memoryCost: 7_168, timeCost: 5 }],
    ['m=7168 t=8', { memoryCost: 7_168, timeCost: 8 }],
    ['m=19456 t=2 p=2', { memoryCost: 19_456, timeCost: 2, parallelism: 2 }],
  ])('does not warn at an OWASP configuration or above: %s', async (_, hashing) => {
    expect(await startupWarnings({ hashing })).toEqual([]);
  });
});
