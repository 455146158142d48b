import { describe, expect, it, jest } from '@jest/globals';

// The format module is imported after node:crypto is wrapped, so its draws go through the wrapper.
const crypto = await import('node:crypto');
const draws: number[] = [];
let rigged: number | null = null;
jest.unstable_mockModule('node:crypto', () => ({
  ...crypto,
  randomInt: (max: number) => {
    draws.push(max);
    return rigged ?? crypto.randomInt(max);
  },
}));
const { describeRecoveryCodeFormat, generateRecoveryCodeValue } =
  await import('./recovery-code.format.js');

const FORMATS = ['hex', 'base32', 'digits'] as const;

describe('recovery code randomness', () => {
  it.each(FORMATS)('draws every symbol of a %s code from the CSPRNG of node:crypto', (format) => {
    const { length } = describeRecoveryCodeFormat(format);
    draws.length = 0;
    rigged = 0;
    try {
      const rigged0 = generateRecoveryCodeValue(format).canonical;
      // Every symbol came from randomInt: with the generator pinned to 0, so is every symbol.
      expect(rigged0).toBe(rigged0[0].repeat(length));
      expect(draws).toHaveLength(length);
    } finally {
      rigged = null;
    }
    expect(
      new Set(Array.from({ length: 20 }, () => generateRecoveryCodeValue(format).canonical)).size,
    ).toBe(20);
  });

  it.each(FORMATS)(
    'gives a %s code at least 64 bits: as many uniform draws, from as large an alphabet, as it claims',
    (format) => {
      const { length, bits } = describeRecoveryCodeFormat(format);
      draws.length = 0;
      const codes = Array.from({ length: 200 }, () => generateRecoveryCodeValue(format).canonical);
      // Measured from what the generator does, not taken from the description.
      const alphabet = new Set(codes.join(''));
      const measuredBits = draws.reduce((sum, max) => sum + Math.log2(max), 0) / codes.length;
      expect(codes.every((code) => code.length === length)).toBe(true);
      expect(alphabet.size).toBe(Math.max(...draws));
      expect(measuredBits).toBeCloseTo(bits, 6);
      expect(measuredBits).toBeGreaterThanOrEqual(64);
    },
  );
});
