import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import { flushSync } from 'react-dom';
import type { RecoveryCodeStatus } from '../../src/client/index.js';
import { useNestAuth } from '../../src/react/index.js';
import { demoApi, type DemoUser } from './demo-api.js';
import { Enrol } from './enrol.js';
import { Mailbox } from './mailbox.js';
import { Phone, usePhone } from './phone.js';
import { RecoveryCodes } from './recovery-codes.js';
import { RecoverySignIn, redeemedMessage } from './recovery-sign-in.js';
import { SecondFactor, SignIn } from './sign-in.js';

/**
 * The demo: sign up with a password and an authenticator, save recovery codes, then sign in the
 * three ways (authenticator; a recovery code; a reset of MFA with a code).
 */
export function DemoApp(): ReactElement {
  const [user, setUser] = useState<DemoUser | null | undefined>(undefined);
  const [recovering, setRecovering] = useState(false);
  const [justEnrolled, setJustEnrolled] = useState(false);
  const [afterReset, setAfterReset] = useState(false);
  const [flash, setFlash] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [mailKey, setMailKey] = useState(0);
  const [leaving, setLeaving] = useState(false);
  const phone = usePhone();

  useEffect(() => {
    demoApi.session().then(setUser, () => setUser(null));
  }, []);

  const announce = useCallback((text: string) => {
    // Empty first, so the same sentence twice is announced twice.
    setAnnouncement('');
    setTimeout(() => setAnnouncement(text), 100);
  }, []);
  const mailChanged = useCallback(() => setMailKey((key) => key + 1), []);

  const onUser = (next: DemoUser | null) => {
    if (user && !user.mfaEnabled && next?.mfaEnabled && !next.mfaPending) setJustEnrolled(true);
    if (!next?.mfaPending) setRecovering(false);
    if (next?.mfaEnabled) setAfterReset(false);
    if (!next) {
      setFlash(null);
      setJustEnrolled(false);
    }
    setUser(next);
    mailChanged();
  };

  const signOut = async () => {
    // Close the mailbox (and its polling) before the cookie goes, so no poll is sent signed out.
    flushSync(() => setLeaving(true));
    try {
      await demoApi.signOut();
      onUser(null);
    } finally {
      setLeaving(false);
    }
  };

  let flow: ReactElement;
  if (user === undefined) flow = <p>Loading…</p>;
  else if (user === null) flow = <SignIn onUser={onUser} />;
  else if (user.mfaPending && recovering) {
    flow = (
      <RecoverySignIn
        announce={announce}
        onAttempt={mailChanged}
        onBack={() => setRecovering(false)}
        onRedeemed={async (remaining) => {
          setFlash(redeemedMessage(remaining));
          onUser(await demoApi.session());
        }}
        onReset={async () => {
          setAfterReset(true);
          onUser(await demoApi.session());
        }}
      />
    );
  } else if (user.mfaPending) {
    flow = (
      <SecondFactor
        user={user}
        onUser={onUser}
        onLostAuthenticator={() => setRecovering(true)}
        onSignOut={signOut}
      />
    );
  } else if (!user.mfaEnabled) {
    flow = <Enrol user={user} afterReset={afterReset} phone={phone} onUser={onUser} />;
  } else {
    flow = (
      <Account
        user={user}
        flash={flash}
        prompt={justEnrolled}
        onSaved={() => setJustEnrolled(false)}
        onSignOut={signOut}
        onChanged={mailChanged}
        announce={announce}
      />
    );
  }

  return (
    <>
      <header className="top">
        <h1>Recovery codes, the whole story</h1>
        <p className="demo-note">
          <strong>Demo only.</strong> Accounts, sessions and codes live in the server&apos;s memory
          and vanish when it stops. The phone panel stands in for an authenticator app, and the
          mailbox for your email.
        </p>
      </header>
      <div className="layout">
        <main>{flow}</main>
        <aside>
          <Phone phone={phone} />
          {user && !leaving && <Mailbox account={user.name} refreshKey={mailKey} />}
        </aside>
      </div>
      <p role="status" aria-live="polite" className="visually-hidden" data-testid="announcer">
        {announcement}
      </p>
    </>
  );
}

function Account({
  user,
  flash,
  prompt,
  onSaved,
  onSignOut,
  onChanged,
  announce,
}: {
  user: DemoUser;
  flash: string | null;
  prompt: boolean;
  onSaved: () => void;
  onSignOut: () => void;
  onChanged: () => void;
  announce: (text: string) => void;
}): ReactElement {
  const { getRecoveryCodeStatus } = useNestAuth();
  const [status, setStatus] = useState<RecoveryCodeStatus | null>(null);
  const signOutButton = useRef<HTMLButtonElement>(null);

  const refresh = useCallback(async () => {
    try {
      setStatus(await getRecoveryCodeStatus());
    } catch {
      setStatus(null);
    }
    onChanged();
  }, [getRecoveryCodeStatus, onChanged]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <>
      <section className="card account" aria-labelledby="account-title">
        <h2 id="account-title">Your account</h2>
        <p>
          Signed in as <strong>{user.name}</strong>.{' '}
          <span data-testid="mfa-state">Two-step sign-in is on.</span>
        </p>
        {flash && (
          <p role="status" className="success">
            {flash}
          </p>
        )}
        <div className="row">
          <button type="button" ref={signOutButton} onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </section>
      <RecoveryCodes
        account={user.name}
        status={status}
        prompt={prompt}
        onChanged={refresh}
        onSaved={() => {
          onSaved();
          // Done here: the next thing to do is to sign out and try signing in.
          signOutButton.current?.focus();
        }}
        announce={announce}
      />
    </>
  );
}
