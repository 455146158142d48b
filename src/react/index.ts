/**
 * The whole public API of `@nest-auth/mfa/react`, named one by one. React is an optional peer
 * dependency; nothing here may import Nest or Node modules.
 * @module @nest-auth/mfa/react
 */
export { NestAuthProvider, useNestAuth, type NestAuthProviderProps } from './nest-auth.provider.js';
export {
  useRecoveryCodeReveal,
  type RecoveryCodeReveal,
  type RecoveryCodeRevealOptions,
} from './use-recovery-code-reveal.hook.js';
