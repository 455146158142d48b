import { useCallback, useEffect, useId, useState, type FormEvent, type ReactElement } from 'react';
import { isNestAuthError, type RecoveryCodeStatus } from '../../src/client/index.js';
import { useNestAuth, useRecoveryCodeReveal } from '../../src/react/index.js';
import { demoSession, type DemoUser } from './demo-session.js';

/** The demo page: a demo-only sign-in, then the product page's recovery code flow. */
export function DemoApp(): ReactElement {
  const [user, setUser] = useState<DemoUser | null | undefined>(undefined);

  useEffect(() => {
    demoSession.current().then(setUser, () => setUser(null));
  }, []);

  return (
    <main>
      <header className="top">
        <h1>Recovery codes</h1>
        <p className="demo-note">
          <strong>Demo only.</strong> Sign-in takes any name and no password; a signed cookie
          remembers it. Codes and accounts live in the server&apos;s memory and vanish when it
          stops.
        </p>
      </header>
      {user === undefined ? (
        <p>Loading…</p>
      ) : user === null ? (
        <DemoSignIn onSignedIn={setUser} />
      ) : (
        <Account user={user} onUser={setUser} />
      )}
    </main>
  );
}

function DemoSignIn({ onSignedIn }: { onSignedIn: (user: DemoUser) => void }): ReactElement {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const user = await demoSession.signIn(name);
      if (user) onSignedIn(user);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The demo sign-in failed.');
    }
  };

  return (
    <form className="card" onSubmit={submit}>
      <h2>Demo sign-in</h2>
      <label htmlFor={id}>Your name (demo only, no password)</label>
      <div className="row">
        <input id={id} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        <button type="submit">Sign in (demo)</button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}

function Account({
  user,
  onUser,
}: {
  user: DemoUser;
  onUser: (user: DemoUser | null) => void;
}): ReactElement {
  const { getRecoveryCodeStatus } = useNestAuth();
  const [status, setStatus] = useState<RecoveryCodeStatus | null>(null);

  const refresh = useCallback(async () => {
    try {
      setStatus(await getRecoveryCodeStatus());
    } catch {
      setStatus(null);
    }
  }, [getRecoveryCodeStatus]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const afterReset = async () => {
    await refresh();
    onUser(await demoSession.current());
  };

  return (
    <>
      <section className="card account">
        <p>
          Signed in as <strong>{user.name}</strong> (demo).{' '}
          <span data-testid="mfa-state">MFA is {user.mfaEnabled ? 'on' : 'off'}.</span>
        </p>
        <div className="row">
          {!user.mfaEnabled && (
            <button type="button" onClick={async () => onUser(await demoSession.enroll())}>
              Set up my authenticator again (demo)
            </button>
          )}
          <button
            type="button"
            className="quiet"
            onClick={async () => onUser(await demoSession.signOut())}
          >
            Sign out
          </button>
        </div>
      </section>
      <RecoveryCodes
        status={status}
        onChange={refresh}
        title={`@nest-auth/mfa demo — ${user.name}`}
      />
      <ResetMfaForm onReset={afterReset} onAttempt={refresh} />
    </>
  );
}

function RecoveryCodes({
  status,
  onChange,
  title,
}: {
  status: RecoveryCodeStatus | null;
  onChange: () => Promise<void>;
  title: string;
}): ReactElement {
  const { generateRecoveryCode } = useNestAuth();
  const reveal = useRecoveryCodeReveal({ title, fileName: 'recovery-codes.txt' });
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [copyFailed, setCopyFailed] = useState(false);

  const generateTen = async () => {
    setBusy(true);
    setNotice(null);
    try {
      // The product page's loop: ten calls, and the newest ten codes stay valid.
      const codes = await Promise.all(
        Array.from({ length: 10 }, () => generateRecoveryCode()),
      ).then((arr) => arr.map((r) => r.code));
      reveal.show(codes);
      setCopyFailed(false);
    } catch (error) {
      setNotice(describeError(error));
    } finally {
      setBusy(false);
      await onChange();
    }
  };

  const acknowledge = () => {
    reveal.acknowledge();
    setNotice('Your recovery codes are saved. They will not be shown again.');
  };

  const remaining = status?.remaining ?? 0;

  return (
    <section className="card" aria-labelledby="codes-title">
      <h2 id="codes-title">Recovery codes</h2>
      <p>
        Recovery codes left: <strong data-testid="remaining">{status ? remaining : '…'}</strong>
        {status?.generatedAt && (
          <span className="muted"> · generated {status.generatedAt.toLocaleString()}</span>
        )}
        {status?.lastUsedAt && (
          <span className="muted"> · last used {status.lastUsedAt.toLocaleString()}</span>
        )}
      </p>
      {status && remaining <= 2 && !reveal.isRevealed && (
        <p className="warning">
          {remaining === 0
            ? 'You have no recovery codes. Generate a set, or a lost authenticator may lock you out.'
            : 'You are running low on recovery codes. Generate a new set.'}
        </p>
      )}

      {reveal.isRevealed ? (
        <section className="reveal" role="region" aria-labelledby="reveal-title">
          <h3 id="reveal-title">Save this code somewhere safe</h3>
          <p>
            This is the only time you&apos;ll see it. Lose it, and you may lose access if your
            authenticator is unavailable.
          </p>
          <p className="muted">Each of these {reveal.codes.length} codes works once.</p>
          <ol className="codes" aria-label="Your new recovery codes">
            {reveal.codes.map((code) => (
              <li key={code}>
                <code data-testid="recovery-code">{code}</code>
              </li>
            ))}
          </ol>
          <div className="row">
            <button type="button" onClick={async () => setCopyFailed(!(await reveal.copyAll()))}>
              Copy all
            </button>
            <button type="button" onClick={reveal.download}>
              Download .txt
            </button>
            <button type="button" onClick={reveal.print}>
              Print
            </button>
            <button type="button" className="primary" onClick={acknowledge}>
              I&apos;ve saved it
            </button>
          </div>
          <p role="status" className="muted">
            {copyFailed
              ? 'Copying was blocked: select the codes and copy them by hand.'
              : [
                  reveal.copied && 'Copied to the clipboard.',
                  reveal.downloaded && 'Downloaded recovery-codes.txt.',
                  reveal.printed && 'Sent to the print dialog.',
                ]
                  .filter(Boolean)
                  .join(' ')}
          </p>
          <p className="muted small">
            Don&apos;t email them to yourself: if your MFA is compromised, your email might be too.
          </p>
        </section>
      ) : (
        <>
          <div className="row">
            <button type="button" className="primary" disabled={busy} onClick={generateTen}>
              {busy ? 'Generating…' : 'Generate 10 recovery codes'}
            </button>
          </div>
          {remaining > 0 && (
            <p className="muted small">A new set replaces the codes you have now.</p>
          )}
          {notice && (
            <p role="status" className="notice">
              {notice}
            </p>
          )}
        </>
      )}
    </section>
  );
}

function ResetMfaForm({
  onReset,
  onAttempt,
}: {
  onReset: () => Promise<void>;
  onAttempt: () => Promise<void>;
}): ReactElement {
  const { resetMfa } = useNestAuth();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setResult(null);
    try {
      await resetMfa(code);
      setCode('');
      setResult({
        ok: true,
        text: 'MFA is reset and that code is used up. Sign in with your password and set up your authenticator again.',
      });
      await onReset();
    } catch (error) {
      setResult({ ok: false, text: describeError(error) });
      await onAttempt();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby="reset-title">
      <h2 id="reset-title">Lost your authenticator?</h2>
      <p>Type one of your recovery codes to turn MFA off, then set it up again.</p>
      <label htmlFor={id}>Recovery code</label>
      <div className="row">
        <input
          id={id}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder="recovery code"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Reset MFA'}
        </button>
      </div>
      {result &&
        (result.ok ? (
          <p role="status" className="success">
            {result.text}
          </p>
        ) : (
          <p role="alert" className="error">
            {result.text}
          </p>
        ))}
    </form>
  );
}

/** A message a person can act on, for each machine error code. */
function describeError(error: unknown): string {
  if (!isNestAuthError(error)) return 'Something went wrong. Try again.';
  switch (error.error) {
    case 'invalid_recovery_code':
      return 'That code is wrong or has already been used. Check it, or try another of your codes.';
    case 'too_many_attempts': {
      const minutes = Math.max(1, Math.ceil((error.retryAfter ?? 60) / 60));
      return `Too many attempts: you are locked out for now. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
    }
    case 'bad_request':
      return "That doesn't look like a recovery code. Type it as it was shown, for example a1b2c3d4-e5f6-7890-abcd.";
    case 'unauthorized':
      return 'Your demo session has ended. Reload the page and sign in again.';
    case 'store_unavailable':
      return 'Recovery codes are unavailable right now. Try again in a moment.';
    case 'network_error':
      return 'The server could not be reached. Check that the demo is still running.';
    default:
      return error.message;
  }
}
