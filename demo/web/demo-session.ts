/** DEMO ONLY: the demo sign-in endpoints of demo/server. Not part of the library. */
export interface DemoUser {
  name: string;
  mfaEnabled: boolean;
}

async function call(method: string, body?: object, path = ''): Promise<DemoUser | null> {
  const response = await fetch(`/demo/session${path}`, {
    method,
    credentials: 'same-origin',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (response.status === 204) return null;
  const json = (await response.json()) as { user?: DemoUser | null; message?: string[] };
  if (!response.ok) throw new Error(json.message?.join(' ') ?? 'The demo sign-in failed.');
  return json.user ?? null;
}

export const demoSession = {
  current: () => call('GET'),
  signIn: (name: string) => call('POST', { name }),
  signOut: () => call('DELETE'),
  enroll: () => call('POST', {}, '/enroll'),
};
