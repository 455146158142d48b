/** @jest-environment jsdom */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { FakeNestAuthServer } from './testing/fake-nest-auth-server.js';
import { NestAuthProvider, useNestAuth } from './index.js';

// ---- The product page's components, verbatim (prettier-ignore keeps them byte for byte) ----

// prettier-ignore
function GenerateRecoveryCode() {
  const { generateRecoveryCode } = useNestAuth();
  const [code, setCode] = useState<string | null>(null);
  const [acknowledged, setAcknowledged] = useState(false);
 
  if (!code) {
    return (
      <button onClick={async () => {
        const res = await generateRecoveryCode();
        setCode(res.code);
      }}>
        Generate recovery code
      </button>
    );
  }
 
  if (!acknowledged) {
    return (
      <div>
        <h3>Save this code somewhere safe</h3>
        <p>This is the only time you'll see it. Lose it, and you may lose access if your authenticator is unavailable.</p>
        <pre>{code}</pre>
        <button onClick={() => navigator.clipboard.writeText(code)}>Copy to clipboard</button>
        <button onClick={() => setAcknowledged(true)}>I've saved it</button>
      </div>
    );
  }
 
  return <p>Recovery code generated.</p>;
}

// prettier-ignore
function ResetMfa() {
  const { resetMfa } = useNestAuth();
  const [code, setCode] = useState('');
 
  return (
    <form onSubmit={async (e) => {
      e.preventDefault();
      await resetMfa(code);
      // MFA is now disabled; user can log in with email/password and re-enroll
    }}>
      <input value={code} onChange={(e) => setCode(e.target.value)} placeholder="recovery code" />
      <button>Reset MFA</button>
    </form>
  );
}

// ---- End of the product page's components ----

describe('the product page components with NestAuthProvider and useNestAuth', () => {
  let server: FakeNestAuthServer;
  let clipboard: string[];

  beforeEach(() => {
    server = new FakeNestAuthServer();
    clipboard = [];
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async (text: string) => void clipboard.push(text) },
    });
  });

  afterEach(cleanup);

  it('GenerateRecoveryCode shows the new code once with the warning, then only a confirmation', async () => {
    render(
      <NestAuthProvider client={server.client}>
        <GenerateRecoveryCode />
      </NestAuthProvider>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Generate recovery code' }));

    expect(
      await screen.findByRole('heading', { name: 'Save this code somewhere safe' }),
    ).toBeTruthy();
    expect(screen.getByText(/This is the only time you'll see it\./)).toBeTruthy();
    const code = screen.getByText(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/).textContent;
    expect(code).toBe('a1b2c3d4-e5f6-7890-0001');

    fireEvent.click(screen.getByRole('button', { name: 'Copy to clipboard' }));
    expect(clipboard).toEqual(['a1b2c3d4-e5f6-7890-0001']);

    fireEvent.click(screen.getByRole('button', { name: "I've saved it" }));
    expect(screen.getByText('Recovery code generated.')).toBeTruthy();
    expect(document.body.textContent).not.toContain('a1b2c3d4-e5f6-7890-0001');
  });

  it('ResetMfa consumes the typed code and disables MFA', async () => {
    const { code } = await server.client.generateRecoveryCode();
    render(
      <NestAuthProvider client={server.client}>
        <ResetMfa />
      </NestAuthProvider>,
    );
    fireEvent.change(screen.getByPlaceholderText('recovery code'), { target: { value: code } });
    fireEvent.click(screen.getByRole('button', { name: 'Reset MFA' }));

    await waitFor(() => expect(server.mfaEnabled).toBe(false));
    expect((await server.client.getRecoveryCodeStatus()).remaining).toBe(0);
  });

  it('the product page loop of ten calls yields ten distinct codes through the hook', async () => {
    let codes: string[] = [];
    function TenCodes() {
      const { generateRecoveryCode } = useNestAuth();
      return (
        <button
          onClick={async () => {
            codes = await Promise.all(
              Array.from({ length: 10 }, () => generateRecoveryCode()),
            ).then((arr) => arr.map((r) => r.code));
          }}
        >
          Ten
        </button>
      );
    }
    render(
      <NestAuthProvider client={server.client}>
        <TenCodes />
      </NestAuthProvider>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Ten' }));
    await waitFor(() => expect(new Set(codes).size).toBe(10));
  });

  it('useNestAuth outside a provider names the fix', () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(() => render(<GenerateRecoveryCode />)).toThrow(
      'render the component inside <NestAuthProvider',
    );
    error.mockRestore();
  });
});
