import { useEffect, useId, useRef, useState, type FormEvent, type ReactElement } from 'react';
import { isNestAuthError } from '../../src/client/index.js';
import { useNestAuth } from '../../src/react/index.js';
import { clock, codesLeft, describeError } from './messages.js';
import { useCountdown } from './use-countdown.js';

type Mode = 'redeem' | 'reset';

const COPY: Record<Mode, { title: string; text: string; submit: string; busy: string }> = {
  redeem: {
    title: 'Sign in with a recovery code',
    text: 'Type one of the recovery codes you saved. It signs you in this once and is then used up.',
    submit: 'Sign in',
    busy: 'Checking…',
  },
  reset: {
    title: 'Reset MFA with a recovery code',
    text: 'Type one of your recovery codes to turn two-step sign-in off. You will set up a new authenticator next.',
    submit: 'Reset MFA',
    busy: 'Checking…',
  },
};

/**
 * After the password, for a user who lost the authenticator: redeem a code to sign in once, or
 * reset MFA with one. A lockout disables the button until `retryAfter` has passed.
 */
export function RecoverySignIn({
  onRedeemed,
  onReset,
  onBack,
  onAttempt,
  announce,
}: {
  onRedeemed: (remaining: number) => Promise<void>;
  onReset: () => Promise<void>;
  onBack: () => void;
  onAttempt: () => void;
  announce: (text: string) => void;
}): ReactElement {
  const { redeemRecoveryCode, resetMfa } = useNestAuth();
  const [mode, setMode] = useState<Mode>('redeem');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [lockedUntil, setLockedUntil] = useState<number | null>(null);
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const secondsLocked = useCountdown(lockedUntil, () => {
    setLockedUntil(null);
    setError(null);
    announce('You can try a recovery code again now.');
  });
  const copy = COPY[mode];

  // The heading changes with the mode; take focus there so the change is heard.
  useEffect(() => heading.current?.focus(), [mode]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (lockedUntil !== null) return;
    setBusy(true);
    setError(null);
    try {
      if (mode === 'redeem') {
        const { remaining } = await redeemRecoveryCode(code);
        await onRedeemed(remaining);
      } else {
        await resetMfa(code);
        await onReset();
      }
    } catch (failure) {
      setError(describeError(failure));
      // A lock with retryAfter counts down; the permanent one (no retryAfter) has nothing to wait for.
      if (isNestAuthError(failure) && failure.retryAfter !== null) {
        setLockedUntil(Date.now() + failure.retryAfter * 1000);
      }
      input.current?.focus();
    } finally {
      setBusy(false);
      onAttempt();
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} tabIndex={-1} ref={heading}>
        {copy.title}
      </h2>
      <p>{copy.text}</p>
      <form onSubmit={submit}>
        <label htmlFor={`${id}-code`}>Recovery code</label>
        <div className="row">
          <input
            id={`${id}-code`}
            ref={input}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            placeholder="a1b2c3d4-e5f6-7890-abcd"
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
          />
          <button type="submit" className="primary" disabled={busy || lockedUntil !== null}>
            {busy ? copy.busy : copy.submit}
          </button>
        </div>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {lockedUntil !== null && (
        <p className="countdown" data-testid="lockout-countdown">
          You can try again in <time>{clock(secondsLocked)}</time>.
        </p>
      )}
      <div className="row links">
        <button
          type="button"
          className="link"
          onClick={() => {
            setMode(mode === 'redeem' ? 'reset' : 'redeem');
            setError(lockedUntil === null ? null : error);
          }}
        >
          {mode === 'redeem' ? 'Reset MFA with a code' : 'Sign in with a recovery code instead'}
        </button>
        <button type="button" className="link" onClick={onBack}>
          Back to the authenticator code
        </button>
      </div>
    </section>
  );
}

/** The sentence after a redeem: signed in, and how many codes are left. */
export function redeemedMessage(remaining: number): string {
  const left = `You have ${codesLeft(remaining)} left.`;
  return remaining === 0
    ? `You signed in with a recovery code. ${left} Generate a new set now.`
    : `You signed in with a recovery code. ${left}`;
}
