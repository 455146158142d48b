/** DEMO ONLY: the demo server's own endpoints (accounts, sessions, mailbox). Not part of the library. */

/** The signed-in user, as the page needs it. */
export interface DemoUser {
  name: string;
  /** Whether the account has an authenticator. */
  mfaEnabled: boolean;
  /** Passed the password, still owes the second factor. */
  mfaPending: boolean;
}

/** One message the app would have emailed. Never a code. */
export interface DemoMail {
  at: string;
  subject: string;
  body: string;
}

/** A refusal of the demo server, with a sentence to show as it is. */
export class DemoApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DemoApiError';
  }
}

async function call<T>(method: string, path: string, body?: object): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new DemoApiError(
      0,
      'The demo server could not be reached. Check that it is still running.',
    );
  }
  if (response.status === 204) return undefined as T;
  const json = (await response.json().catch(() => ({}))) as { message?: unknown };
  if (!response.ok) {
    throw new DemoApiError(
      response.status,
      typeof json.message === 'string' ? json.message : 'Something went wrong. Try again.',
    );
  }
  return json as T;
}

type SessionView = { user: DemoUser | null };

export const demoApi = {
  session: () => call<SessionView>('GET', '/demo/session').then((view) => view.user),
  signUp: (name: string, password: string) =>
    call<SessionView>('POST', '/demo/accounts', { name, password }).then((view) => view.user),
  signIn: (name: string, password: string) =>
    call<SessionView>('POST', '/demo/session', { name, password }).then((view) => view.user),
  verifyTotp: (code: string) =>
    call<SessionView>('POST', '/demo/session/totp', { code }).then((view) => view.user),
  signOut: () => call<void>('DELETE', '/demo/session'),
  beginEnrolment: () => call<{ secret: string; uri: string }>('POST', '/demo/authenticator'),
  confirmEnrolment: (code: string) =>
    call<SessionView>('POST', '/demo/authenticator/confirm', { code }).then((view) => view.user),
  mailbox: () => call<{ messages: DemoMail[] }>('GET', '/demo/mailbox').then((box) => box.messages),
};
