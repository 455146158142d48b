import { useId, useState, type FormEvent, type ReactElement } from 'react';
import { demoApi, type DemoUser } from './demo-api.js';
import { describeError } from './messages.js';

/** Sign-in (name and password) or sign-up, one form with a switch between them. */
export function SignIn({ onUser }: { onUser: (user: DemoUser | null) => void }): ReactElement {
  const [mode, setMode] = useState<'sign-in' | 'sign-up'>('sign-in');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const signingUp = mode === 'sign-up';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim() || !password) {
      setError('Type your name and your password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onUser(await (signingUp ? demoApi.signUp(name, password) : demoApi.signIn(name, password)));
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{signingUp ? 'Create an account' : 'Sign in'}</h2>
      <form onSubmit={submit} noValidate>
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoComplete="username"
          autoFocus
        />
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete={signingUp ? 'new-password' : 'current-password'}
          aria-describedby={signingUp ? `${id}-hint` : undefined}
        />
        {signingUp && (
          <p id={`${id}-hint`} className="muted small">
            At least 8 characters. Demo only: accounts vanish when the server stops.
          </p>
        )}
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>
            {signingUp ? 'Create account' : 'Sign in'}
          </button>
        </div>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p>
        {signingUp ? 'Already have an account? ' : 'New here? '}
        <button
          type="button"
          className="link"
          onClick={() => {
            setMode(signingUp ? 'sign-in' : 'sign-up');
            setError(null);
          }}
        >
          {signingUp ? 'Sign in' : 'Create an account'}
        </button>
      </p>
    </section>
  );
}

/** The second step of sign-in: the code from the authenticator, or the way to recovery codes. */
export function SecondFactor({
  user,
  onUser,
  onLostAuthenticator,
  onSignOut,
}: {
  user: DemoUser;
  onUser: (user: DemoUser | null) => void;
  onLostAuthenticator: () => void;
  onSignOut: () => void;
}): ReactElement {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onUser(await demoApi.verifyTotp(code));
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Two-step sign-in</h2>
      <p>
        Hello, {user.name}. Your password is right; now type the 6-digit code your authenticator app
        shows.
      </p>
      <form onSubmit={submit}>
        <label htmlFor={`${id}-code`}>Authentication code</label>
        <div className="row">
          <input
            id={`${id}-code`}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            inputMode="numeric"
            autoComplete="one-time-code"
            autoFocus
          />
          <button type="submit" className="primary" disabled={busy}>
            Verify
          </button>
        </div>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="row links">
        <button type="button" className="link" onClick={onLostAuthenticator}>
          Lost your authenticator? Use a recovery code
        </button>
        <button type="button" className="link" onClick={onSignOut}>
          Cancel and sign out
        </button>
      </div>
    </section>
  );
}
