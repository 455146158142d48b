import { createContext, useContext, type ReactElement, type ReactNode } from 'react';
import type { NestAuthClient } from '../client/nest-auth-client.interface.js';

const NestAuthContext = createContext<NestAuthClient | null>(null);
NestAuthContext.displayName = 'NestAuthContext';

/**
 * Props of `NestAuthProvider`.
 * @publicApi
 */
export interface NestAuthProviderProps {
  /** The client the components below talk to, from `createNestAuthClient()`. */
  client: NestAuthClient;
  /** The components that use `useNestAuth()`. */
  children?: ReactNode;
}

/**
 * Makes a `NestAuthClient` available to `useNestAuth()` below it. Create the client once, outside
 * render.
 * @example
 * const client = createNestAuthClient({ baseUrl: '', credentials: 'same-origin' });
 * root.render(<NestAuthProvider client={client}><App /></NestAuthProvider>);
 * @publicApi
 */
export function NestAuthProvider({ client, children }: NestAuthProviderProps): ReactElement {
  return <NestAuthContext.Provider value={client}>{children}</NestAuthContext.Provider>;
}

/**
 * The recovery code methods of the nearest `NestAuthProvider`'s client: `generateRecoveryCode`,
 * `generateRecoveryCodes`, `resetMfa`, `redeemRecoveryCode`, `getRecoveryCodeStatus`,
 * `revokeRecoveryCodes`. They reject with a `NestAuthError`.
 * @example
 * const { generateRecoveryCode } = useNestAuth();
 * @publicApi
 */
export function useNestAuth(): NestAuthClient {
  const client = useContext(NestAuthContext);
  if (!client) {
    throw new Error(
      'useNestAuth() found no client: render the component inside <NestAuthProvider client={createNestAuthClient({ baseUrl })}>.',
    );
  }
  return client;
}
