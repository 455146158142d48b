/** @jest-environment jsdom */
import { afterEach, describe, expect, it } from '@jest/globals';
import { act, cleanup, renderHook } from '@testing-library/react';
import type { NestAuthClient } from '../client/index.js';
import { useRecoveryCodeReveal } from './index.js';

/** What the client's redeem and reset resolve. */
type Redeemed = Awaited<ReturnType<NestAuthClient['redeemRecoveryCode']>>;
type Reset = Awaited<ReturnType<NestAuthClient['resetMfa']>>;

afterEach(cleanup);

describe('useRecoveryCodeReveal().showReplacement', () => {
  it('shows the replacement of a redeem or reset result once, like a new code', () => {
    const { result } = renderHook(() => useRecoveryCodeReveal());
    const redeemed: Redeemed = { remaining: 3, replacement: 'a1b2c3d4-e5f6-7890-abcd' };
    let shown = false;
    act(() => {
      shown = result.current.showReplacement(redeemed);
    });
    expect(shown).toBe(true);
    expect(result.current.isRevealed).toBe(true);
    expect(result.current.codes).toEqual(['a1b2c3d4-e5f6-7890-abcd']);
    act(() => result.current.acknowledge());
    expect(result.current.codes).toEqual([]);
  });

  it.each<[string, Redeemed | Reset]>([
    ['without replaceOnUse', { remaining: 2 }],
    ['when the server could not issue one', { remaining: 2, replacement: null }],
    ['for a reset without replaceOnUse', { reset: true }],
  ])('shows nothing and says so %s', (_, response) => {
    const { result } = renderHook(() => useRecoveryCodeReveal());
    let shown = true;
    act(() => {
      shown = result.current.showReplacement(response);
    });
    expect(shown).toBe(false);
    expect(result.current.isRevealed).toBe(false);
  });
});
