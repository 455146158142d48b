import { useEffect, useId, useRef, useState, type FormEvent, type ReactElement } from 'react';
import { demoApi, type DemoUser } from './demo-api.js';
import { describeError } from './messages.js';
import type { PhoneState } from './phone.js';

/** Setting up an authenticator: a new secret, then a code from it to prove it works. */
export function Enrol({
  user,
  afterReset,
  phone,
  onUser,
}: {
  user: DemoUser;
  /** MFA was just reset with a recovery code. */
  afterReset: boolean;
  phone: PhoneState;
  onUser: (user: DemoUser | null) => void;
}): ReactElement {
  const [secret, setSecret] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const started = useRef(false);

  useEffect(() => {
    heading.current?.focus();
    // One secret per visit, even when React runs effects twice in development.
    if (started.current) return;
    started.current = true;
    demoApi
      .beginEnrolment()
      .then(setSecret, (failure: unknown) => setError(describeError(failure)));
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onUser(await demoApi.confirmEnrolment(code));
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  const onPhone = secret ? phone.entries.some((entry) => entry.secret === secret.secret) : false;

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} tabIndex={-1} ref={heading}>
        Set up your authenticator
      </h2>
      {afterReset && (
        <p className="notice">
          Two-step sign-in is off, and that recovery code is used up. Set up an authenticator again
          to turn it back on.
        </p>
      )}
      <p>
        Add this key to your authenticator app, {user.name}. A real app would show it as a QR code
        too.
      </p>
      {secret ? (
        <>
          <p>
            <code className="secret" data-testid="totp-secret">
              {secret.secret.replace(/(.{4})/g, '$1 ').trim()}
            </code>
          </p>
          <details>
            <summary>The otpauth:// link</summary>
            <code className="uri">{secret.uri}</code>
          </details>
          <div className="row">
            <button
              type="button"
              disabled={onPhone}
              onClick={() => phone.add(user.name, secret.secret)}
            >
              {onPhone ? 'Added to the phone' : 'Add it to the phone (demo)'}
            </button>
          </div>
        </>
      ) : (
        !error && <p className="muted">Making a key…</p>
      )}
      <form onSubmit={submit}>
        <label htmlFor={`${id}-code`}>Code from your authenticator</label>
        <div className="row">
          <input
            id={`${id}-code`}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            inputMode="numeric"
            autoComplete="one-time-code"
          />
          <button type="submit" className="primary" disabled={busy || !secret}>
            Turn on two-step sign-in
          </button>
        </div>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
