import { describe, expect, it } from '@jest/globals';
import {
  deriveLookupKey,
  describeRecoveryCodeFormat,
  generateRecoveryCodeValue,
  parseRecoveryCode,
  type RecoveryCodeFormat,
} from './recovery-code.format.js';
import { MfaConfigurationError } from '../mfa-configuration.error.js';

const FORMATS: RecoveryCodeFormat[] = ['hex', 'base32', 'digits'];

describe('recovery code formats', () => {
  it('shows hex codes as lowercase xxxxxxxx-xxxx-xxxx-xxxx carrying 80 bits', () => {
    const { display } = generateRecoveryCodeValue('hex');
    expect(display).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/);
    expect(describeRecoveryCodeFormat('hex').bits).toBe(80);
  });

  it('shows base32 codes in Crockford alphabet, without I, L, O or U', () => {
    for (let i = 0; i < 200; i++) {
      expect(generateRecoveryCodeValue('base32').display).toMatch(
        /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/,
      );
    }
  });

  it('shows digits codes as four groups of five digits', () => {
    expect(generateRecoveryCodeValue('digits').display).toMatch(/^\d{5}-\d{5}-\d{5}-\d{5}$/);
  });

  it.each(FORMATS)(
    'gives the %s preset at least 40 bits, and 40 bits behind the lookup part',
    (f) => {
      const d = describeRecoveryCodeFormat(f);
      expect(d.bits).toBeGreaterThanOrEqual(40);
      expect(d.secretBits).toBeGreaterThanOrEqual(40);
    },
  );

  it.each(FORMATS)('draws every %s symbol about equally often (no modulo bias)', (f) => {
    const counts = new Map<string, number>();
    const samples = 4000;
    let total = 0;
    for (let i = 0; i < samples; i++) {
      for (const ch of generateRecoveryCodeValue(f).canonical) {
        counts.set(ch, (counts.get(ch) ?? 0) + 1);
        total++;
      }
    }
    const alphabetSize = f === 'hex' ? 16 : f === 'base32' ? 32 : 10;
    expect(counts.size).toBe(alphabetSize);
    // Chi-square against uniform; the 99.99th percentile for 31 degrees of freedom is about 70.
    const expected = total / alphabetSize;
    const chi = [...counts.values()].reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi).toBeLessThan(75);
  });

  it('never repeats a code across many draws', () => {
    const seen = new Set(
      Array.from({ length: 5000 }, () => generateRecoveryCodeValue('hex').canonical),
    );
    expect(seen.size).toBe(5000);
  });

  it('accepts hex input in any case, with spaces or without dashes', () => {
    const { display, canonical } = generateRecoveryCodeValue('hex');
    for (const typed of [display.toUpperCase(), ` ${display.replace(/-/g, ' ')} `, canonical]) {
      expect(parseRecoveryCode(typed, 'hex')).toEqual({ canonical, lookup: canonical.slice(0, 8) });
    }
  });

  it('reads base32 look-alikes: O as 0, I and L as 1, any case', () => {
    expect(parseRecoveryCode('o1il-abcd-efgh-jkmn', 'base32')?.canonical).toBe('0111ABCDEFGHJKMN');
  });

  it('rejects input that cannot be a code of the format', () => {
    expect(parseRecoveryCode('hello', 'hex')).toBeNull();
    expect(parseRecoveryCode('a1b2c3d4-e5f6-7890-abcz', 'hex')).toBeNull();
    expect(parseRecoveryCode('UUUU-UUUU-UUUU-UUUU', 'base32')).toBeNull();
    expect(parseRecoveryCode('12345-67890-12345-6789', 'digits')).toBeNull();
  });

  it('derives lookup keys that hide the lookup part and differ per user', () => {
    const key = deriveLookupKey('alice', 'a1b2c3d4');
    expect(key).not.toContain('a1b2c3d4');
    expect(deriveLookupKey('bob', 'a1b2c3d4')).not.toBe(key);
    expect(deriveLookupKey('alice', 'a1b2c3d4')).toBe(key);
  });

  it('refuses an unknown format with a configuration error that names the fix', () => {
    const unknown = 'emoji' as RecoveryCodeFormat;
    for (const call of [
      () => generateRecoveryCodeValue(unknown),
      () => describeRecoveryCodeFormat(unknown),
      () => parseRecoveryCode('a1b2c3d4-e5f6-7890-abcd', unknown),
    ]) {
      expect(call).toThrow(MfaConfigurationError);
      expect(call).toThrow(
        /set `codeFormat` in MfaModule.forRoot\(\) to 'hex', 'base32' or 'digits'/,
      );
    }
  });
});
