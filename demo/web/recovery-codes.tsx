import { useEffect, useRef, useState, type ReactElement } from 'react';
import type { RecoveryCodeStatus } from '../../src/client/index.js';
import { useNestAuth, useRecoveryCodeReveal } from '../../src/react/index.js';
import { describeError } from './messages.js';

const SET_SIZE = 10;

/**
 * The recovery codes card: how many are left, and a new set shown once. After "I've saved it" the
 * codes are gone from memory and `onSaved` moves focus on.
 */
export function RecoveryCodes({
  account,
  status,
  prompt,
  onChanged,
  onSaved,
  announce,
}: {
  account: string;
  status: RecoveryCodeStatus | null;
  /** Right after enrolment: ask for codes before anything else. */
  prompt: boolean;
  onChanged: () => Promise<void>;
  onSaved: () => void;
  announce: (text: string) => void;
}): ReactElement {
  const { generateRecoveryCodes } = useNestAuth();
  const reveal = useRecoveryCodeReveal({
    title: `@nest-auth/mfa demo — ${account}`,
    fileName: 'recovery-codes.txt',
  });
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copyFailed, setCopyFailed] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  // Keyboard and screen-reader users land on the codes, not on <body>.
  useEffect(() => {
    if (reveal.isRevealed) heading.current?.focus();
  }, [reveal.isRevealed]);

  const generate = async () => {
    setBusy(true);
    setNotice(null);
    setError(null);
    try {
      const { codes } = await generateRecoveryCodes(SET_SIZE);
      reveal.show(codes);
      setCopyFailed(false);
      announce(`${codes.length} recovery codes generated`);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
      await onChanged();
    }
  };

  const acknowledge = () => {
    reveal.acknowledge();
    setNotice(
      'Your recovery codes are saved. They will not be shown again. Next, sign out and try the three ways to sign in.',
    );
    onSaved();
  };

  const remaining = status?.remaining ?? 0;

  return (
    <section className="card" aria-labelledby="codes-title">
      <h2 id="codes-title">Recovery codes</h2>
      {prompt && !reveal.isRevealed && (
        <p className="prompt">
          If you lose your authenticator, a recovery code still gets you in. Generate a set now: you
          will see the codes only once.
        </p>
      )}
      <p>
        Recovery codes left: <strong data-testid="remaining">{status ? remaining : '…'}</strong>
        {status?.generatedAt && (
          <span className="muted"> · generated {status.generatedAt.toLocaleString()}</span>
        )}
        {status?.lastUsedAt && (
          <span className="muted"> · last used {status.lastUsedAt.toLocaleString()}</span>
        )}
      </p>
      {status && !prompt && remaining <= 2 && !reveal.isRevealed && (
        <p className="warning">
          {remaining === 0
            ? 'You have no recovery codes. Generate a set, or a lost authenticator may lock you out.'
            : 'You are running low on recovery codes. Generate a new set.'}
        </p>
      )}

      {reveal.isRevealed ? (
        <section className="reveal" aria-labelledby="reveal-title">
          <h3 id="reveal-title" tabIndex={-1} ref={heading}>
            Save these codes somewhere safe
          </h3>
          <p>
            This is the only time you&apos;ll see them. Lose them, and you may lose access if your
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
              I&apos;ve saved them
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
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={generate}
              // Right after enrolment this is the next thing to do.
              autoFocus={prompt}
            >
              {busy ? 'Generating…' : `Generate ${SET_SIZE} recovery codes`}
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
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
        </>
      )}
    </section>
  );
}
