/**
 * The whole public API of `@nest-auth/mfa/client`, named one by one. Nothing here may import Nest
 * or Node modules: this entry point ships to browsers.
 * @module @nest-auth/mfa/client
 */
export { createNestAuthClient } from './nest-auth.client.js';
export {
  isNestAuthError,
  NestAuthError,
  type NestAuthErrorCode,
  type NestAuthErrorInit,
} from './nest-auth.error.js';
export type {
  NestAuthClient,
  NestAuthClientOptions,
  NestAuthCredentials,
  NestAuthFetch,
  NestAuthFetchInit,
  NestAuthFetchResponse,
  NestAuthHeaders,
  RecoveryCodeStatus,
} from './nest-auth-client.interface.js';
