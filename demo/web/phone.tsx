import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { secondsLeft, totp } from './totp.js';

/** One account in the phone's authenticator app. */
export interface PhoneEntry {
  account: string;
  secret: string;
}

/** The phone: the accounts it holds, and what you can do with it. */
export interface PhoneState {
  entries: readonly PhoneEntry[];
  add(account: string, secret: string): void;
  lose(): void;
}

// The phone outlives a reload, as a real one would. It holds TOTP secrets, never recovery codes.
const STORAGE_KEY = 'nest-auth-mfa-demo-phone';

function load(): PhoneEntry[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as PhoneEntry[]) : [];
  } catch {
    return [];
  }
}

/** DEMO ONLY: a stand-in for the authenticator app on the user's phone. */
export function usePhone(): PhoneState {
  const [entries, setEntries] = useState<PhoneEntry[]>(load);

  useEffect(() => {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(entries));
  }, [entries]);

  const add = useCallback((account: string, secret: string) => {
    setEntries((now) => [
      ...now.filter((entry) => entry.account.toLowerCase() !== account.toLowerCase()),
      { account, secret },
    ]);
  }, []);
  const lose = useCallback(() => setEntries([]), []);
  return { entries, add, lose };
}

/** The phone panel: the current code of each account, as an authenticator app shows it. */
export function Phone({ phone }: { phone: PhoneState }): ReactElement {
  const [now, setNow] = useState(() => Date.now());
  const [codes, setCodes] = useState<Record<string, string>>({});

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  // Recomputed every second; cheap, and always right across a 30-second boundary.
  useEffect(() => {
    let current = true;
    Promise.all(
      phone.entries.map(async (entry) => [entry.account, await totp(entry.secret, now)] as const),
    ).then(
      (pairs) => current && setCodes(Object.fromEntries(pairs)),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [phone.entries, now]);

  return (
    <section className="card phone" aria-labelledby="phone-title">
      <h2 id="phone-title">Phone</h2>
      <p className="muted small">
        Stands in for the authenticator app on your phone. A real app (Google Authenticator,
        1Password, …) shows the same codes for the same key.
      </p>
      {phone.entries.length === 0 ? (
        <p className="muted">No accounts on this phone.</p>
      ) : (
        <>
          <ul className="phone-entries">
            {phone.entries.map((entry) => (
              <li key={entry.account}>
                <span>{entry.account}</span>{' '}
                <strong
                  className="phone-code"
                  data-testid="phone-code"
                  data-account={entry.account}
                >
                  {codes[entry.account] ?? '…'}
                </strong>
              </li>
            ))}
          </ul>
          <p className="muted small">New codes in {secondsLeft(now)} s.</p>
          <button type="button" className="quiet" onClick={phone.lose}>
            Lose this phone
          </button>
        </>
      )}
    </section>
  );
}
