import { describe, expect, it } from '@jest/globals';
import { DEFAULT_ROUTES_GENERATION_LIMIT } from '../mfa.constants.js';
import { MfaConfigurationError } from '../mfa.exceptions.js';
import { resolveMfaOptions } from '../mfa.options.js';
import { resolveRoutesPolicy } from './mfa-routes.policy.js';

describe('the ready-made routes’ policy options', () => {
  it('trusts no other origin and limits generation to 30 calls in 10 minutes by default', () => {
    const policy = resolveRoutesPolicy();
    expect([...policy.trustedOrigins]).toEqual([]);
    expect(policy.generationLimit).toEqual({ max: 30, windowMs: 600_000 });
    expect(DEFAULT_ROUTES_GENERATION_LIMIT).toEqual({ max: 30, windowMs: 600_000 });
  });

  it('is part of the resolved routes, from the import-time options or the factory', () => {
    const resolved = resolveMfaOptions(
      { routes: { generationLimit: { max: 3, windowMs: 1000 } } },
      { routes: { trustedOrigins: ['https://app.example.com'] } },
    );
    expect([...(resolved.routes?.trustedOrigins ?? [])]).toEqual(['https://app.example.com']);
    expect(resolved.routes?.generationLimit).toEqual({ max: 3, windowMs: 1000 });
    expect(resolveMfaOptions({}, { routes: true }).routes?.generationLimit).toEqual(
      DEFAULT_ROUTES_GENERATION_LIMIT,
    );
  });

  it('takes origins and a generation limit, or none', () => {
    const policy = resolveRoutesPolicy({
      trustedOrigins: ['https://app.example.com', 'http://localhost:5173'],
      generationLimit: false,
    });
    expect([...policy.trustedOrigins]).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ]);
    expect(policy.generationLimit).toBe(false);
  });

  it.each([
    'https://app.example.com/',
    'https://app.example.com/login',
    'app.example.com',
    '*',
    42,
  ])('refuses the trusted origin %p at startup, naming the option', (origin) => {
    const call = () => resolveMfaOptions({}, { routes: { trustedOrigins: [origin as string] } });
    expect(call).toThrow(MfaConfigurationError);
    expect(call).toThrow('routes.trustedOrigins');
  });

  it('refuses a malformed routes.generationLimit, naming the option', () => {
    const call = () =>
      resolveMfaOptions({}, { routes: { generationLimit: { max: 0, windowMs: 1000 } } });
    expect(call).toThrow(MfaConfigurationError);
    expect(call).toThrow('`routes.generationLimit`');
  });
});
