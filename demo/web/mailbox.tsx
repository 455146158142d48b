import { useEffect, useState, type ReactElement } from 'react';
import { demoApi, type DemoMail } from './demo-api.js';

const POLL_MS = 2_000;

/** The notifications the app would email: codes issued, a code used, MFA reset, lockout. */
export function Mailbox({
  account,
  refreshKey,
}: {
  account: string;
  refreshKey: number;
}): ReactElement {
  const [messages, setMessages] = useState<DemoMail[]>([]);

  useEffect(() => {
    let current = true;
    const load = () =>
      demoApi.mailbox().then(
        (mail) => current && setMessages(mail),
        () => undefined,
      );
    void load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [account, refreshKey]);

  return (
    <section className="card mailbox" aria-labelledby="mailbox-title">
      <h2 id="mailbox-title">Mailbox</h2>
      <p className="muted small">
        What the app would email {account}. Notices say what happened, never a code.
      </p>
      {messages.length === 0 ? (
        <p className="muted">No messages yet.</p>
      ) : (
        <ol className="mail">
          {messages.map((mail, index) => (
            <li key={`${index}-${mail.at}`}>
              <strong>{mail.subject}</strong>{' '}
              <time className="muted small" dateTime={mail.at}>
                {new Date(mail.at).toLocaleTimeString()}
              </time>
              <p>{mail.body}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
